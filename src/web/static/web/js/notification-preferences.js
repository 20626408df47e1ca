/**
 * The person's notification preferences: a sound, and desktop notifications while an
 * article's tab is hidden, for what others do on the article pages. Each is off until
 * turned on, and stored on the server (/api/me/notification-preferences) so the choice
 * follows the person to every browser. The article page acts on them
 * (article/notify.js); the settings page shows their switches.
 */

import { api } from './api.js';
import { h } from './dom.js';

const PREFERENCES_PATH = '/api/me/notification-preferences';

/** @typedef {{desktop: boolean, sound: boolean}} Preferences */

/** @type {Preferences} what the person chose, as last loaded from or saved to the server */
const chosen = { desktop: false, sound: false };

/** @returns {Readonly<Preferences>} */
export function chosenPreferences() {
  return chosen;
}

/**
 * Reads the person's choice from the server; when it cannot be read the defaults (both
 * off) stand. Resolves once known either way.
 * @returns {Promise<void>}
 */
export async function loadPreferences() {
  try {
    /** @type {Preferences} */
    const loaded = await api(PREFERENCES_PATH);
    Object.assign(chosen, loaded);
  } catch {
    // Nothing the person chose is lost: the next load reads it.
  }
}

/** @returns {NotificationPermission | 'unsupported'} */
export function desktopPermission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

/** What the hint under the switches says about desktop notifications in this browser. */
function desktopHint() {
  if (!chosen.desktop) return '';
  switch (desktopPermission()) {
    case 'denied': return 'Desktop notifications are blocked in your browser settings.';
    case 'unsupported': return 'This browser cannot show desktop notifications.';
    case 'granted': return 'Desktop notifications on while an article’s tab is hidden.';
    default: return '';
  }
}

/** A switch each for sound and desktop notifications, saved as they change. */
export function preferenceSwitches() {
  const soundBox = h('input', { type: 'checkbox', id: 'pref-sound', disabled: true });
  const desktopBox = h('input', { type: 'checkbox', id: 'pref-desktop', disabled: true });
  const hint = h('p', { class: 'hint', id: 'pref-hint', 'aria-live': 'polite' });
  const setDisabled = (/** @type {boolean} */ disabled) => {
    soundBox.disabled = desktopBox.disabled = disabled;
  };
  const show = () => {
    soundBox.checked = chosen.sound;
    desktopBox.checked = chosen.desktop;
    hint.textContent = desktopHint();
  };
  const save = async (/** @type {Partial<Preferences>} */ change) => {
    setDisabled(true);
    try {
      Object.assign(chosen, await api(PREFERENCES_PATH, { method: 'PUT', body: change }));
      show();
    } catch {
      show();
      hint.textContent = 'Could not save the setting; try again.';
    } finally {
      setDisabled(false);
    }
  };
  soundBox.addEventListener('change', () => save({ sound: soundBox.checked }));
  desktopBox.addEventListener('change', async () => {
    if (desktopBox.checked && desktopPermission() === 'default') {
      await Notification.requestPermission().catch(() => {});
    }
    await save({ desktop: desktopBox.checked });
  });
  loadPreferences().then(() => {
    setDisabled(false);
    show();
  });
  return h(
    'div',
    { class: 'prefs', role: 'group', 'aria-label': 'Notifications' },
    h('span', { class: 'check' }, soundBox,
      h('label', { for: soundBox.id }, 'Sound for new activity')),
    h('span', { class: 'check' }, desktopBox,
      h('label', { for: desktopBox.id }, 'Desktop notifications while an article’s tab is hidden')),
    hint,
  );
}
