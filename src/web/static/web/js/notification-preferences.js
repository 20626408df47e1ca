/**
 * The person's notification preferences, stored on the server
 * (/api/me/notification-preferences) so the choice follows them to every browser:
 * - a sound, and desktop notifications while an article's tab is hidden, for what
 *   others do on the article page they have open (article/notify.js);
 * - per group of inbox lines, whether they go to the inbox (on until turned off) and
 *   also make a desktop notification or a sound (off until turned on; inbox/alert.js).
 * The settings page shows their switches.
 */

import { api } from './api.js';
import { h } from './dom.js';
import { desktopPermission } from './notification-alerts.js';

const PREFERENCES_PATH = '/api/me/notification-preferences';

/** @typedef {{inbox: boolean, desktop: boolean, sound: boolean}} Channels */
/** @typedef {'replies' | 'mentions' | 'discussions' | 'comments' | 'membership'} KindGroup */
/** @typedef {{desktop: boolean, sound: boolean, kinds: Record<string, Channels>}} Preferences */

/** The groups of kinds, as the server names them, and the kinds of line in each. */
const KIND_GROUPS = /** @type {const} */ ([
  { group: 'replies', label: 'Replies to you', kinds: ['reply'] },
  { group: 'mentions', label: 'Mentions of you', kinds: ['mention'] },
  { group: 'discussions', label: 'New discussions on articles you follow', kinds: ['discussion'] },
  { group: 'comments', label: 'Comments in discussions you follow', kinds: ['comments'] },
  { group: 'membership', label: 'Changes to your memberships',
    kinds: ['join_approved', 'join_rejected', 'added', 'role_changed', 'removed'] },
]);

const CHANNELS = /** @type {const} */ ([
  { channel: 'inbox', label: 'In the inbox' },
  { channel: 'desktop', label: 'Desktop notification' },
  { channel: 'sound', label: 'Sound' },
]);

/** @type {Channels} a group the server did not name */
const DEFAULT_CHANNELS = { inbox: true, desktop: false, sound: false };

/** @type {Preferences} what the person chose, as last loaded from or saved to the server */
const chosen = { desktop: false, sound: false, kinds: {} };

/**
 * How the person chose to hear of a line of this kind.
 * @param {string} kind a notification's `kind`
 * @returns {Channels}
 */
export function channelsFor(kind) {
  const found = KIND_GROUPS.find(({ kinds }) => /** @type {readonly string[]} */ (kinds)
    .includes(kind));
  return (found && chosen.kinds[found.group]) || DEFAULT_CHANNELS;
}

/** @returns {Readonly<Preferences>} */
export function chosenPreferences() {
  return chosen;
}

/** @type {Promise<void> | null} the one read of this page (the bell, article and settings share it) */
let loading = null;

/**
 * Reads the person's choice from the server, once per page; when it cannot be read the
 * defaults stand. Resolves once known either way.
 * @returns {Promise<void>}
 */
export function loadPreferences() {
  loading ??= api(PREFERENCES_PATH).then(
    (/** @type {Preferences} */ loaded) => { Object.assign(chosen, loaded); },
    () => {
      // Nothing the person chose is lost: the next load reads it.
      loading = null;
    },
  );
  return loading;
}

/** What the hint under the switches says about desktop notifications in this browser. */
function desktopHint() {
  if (!chosen.desktop) return '';
  if (desktopPermission() === 'granted') {
    return 'Desktop notifications on while an article’s tab is hidden.';
  }
  return desktopBlocked();
}

/** Why this browser will show no desktop notification, if it will not. */
function desktopBlocked() {
  switch (desktopPermission()) {
    case 'denied': return 'Desktop notifications are blocked in your browser settings.';
    case 'unsupported': return 'This browser cannot show desktop notifications.';
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

/**
 * A table of checkboxes: for each group of inbox lines, in the inbox, as a desktop
 * notification, as a sound; each saved as it changes.
 */
export function kindChoicesTable() {
  const status = h('p', { class: 'hint', id: 'kind-choices-status', 'aria-live': 'polite' });
  /** @type {HTMLInputElement[]} */
  const boxes = [];
  const show = () => {
    for (const box of boxes) {
      const channels = chosen.kinds[box.dataset.group ?? ''] ?? DEFAULT_CHANNELS;
      box.checked = channels[/** @type {keyof Channels} */ (box.dataset.channel)];
    }
  };
  const setDisabled = (/** @type {boolean} */ disabled) => {
    for (const box of boxes) box.disabled = disabled;
  };
  const save = async (/** @type {HTMLInputElement} */ box) => {
    const { group = '', channel = '' } = box.dataset;
    if (channel === 'desktop' && box.checked && desktopPermission() === 'default') {
      await Notification.requestPermission().catch(() => {});
    }
    setDisabled(true);
    try {
      const body = { kinds: { [group]: { [channel]: box.checked } } };
      Object.assign(chosen, await api(PREFERENCES_PATH, { method: 'PUT', body }));
      const blocked = channel === 'desktop' && box.checked ? desktopBlocked() : '';
      status.textContent = blocked ? `Saved. ${blocked}` : 'Saved.';
    } catch {
      status.textContent = 'Could not save the setting; try again.';
    } finally {
      show();
      setDisabled(false);
    }
  };
  const rows = KIND_GROUPS.map(({ group, label }) => {
    const header = h('th', { scope: 'row', id: `kind-${group}` }, label);
    const cells = CHANNELS.map(({ channel, label: channelLabel }) => {
      const box = /** @type {HTMLInputElement} */ (h('input', {
        type: 'checkbox', id: `kind-${group}-${channel}`, disabled: true,
        'data-group': group, 'data-channel': channel,
        'aria-label': `${label}: ${channelLabel}`,
      }));
      box.addEventListener('change', () => save(box));
      boxes.push(box);
      return h('td', {}, box);
    });
    return h('tr', {}, header, ...cells);
  });
  loadPreferences().then(() => {
    show();
    setDisabled(false);
  });
  return h('div', { class: 'kind-choices' },
    h('table', { class: 'kind-choices-table', id: 'kind-choices' },
      h('caption', {}, 'How you hear of each kind of notification'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Kind'),
        ...CHANNELS.map(({ label }) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, ...rows)),
    status);
}
