/**
 * The two ways a page calls the person when they are not looking: a short tone, and a
 * desktop notification. Shared by the article page (activity on the open article,
 * article/notify.js) and the bell (lines of the kinds the person chose, inbox/alert.js).
 */

/** @type {AudioContext | null} */
let audio = null;

/** A short, quiet tone. */
export function beep() {
  try {
    // Older Safari names it webkitAudioContext.
    const Ctx = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
    if (!Ctx) return;
    audio = audio || new Ctx();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.15, audio.currentTime + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.3);
  } catch {
    // Sound is a nicety.
  }
}

/** @returns {NotificationPermission | 'unsupported'} */
export function desktopPermission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

/**
 * A desktop notification, when the browser allows them; clicking it brings the tab
 * forward and calls `onClick`. Notifications with one tag replace each other.
 * @param {string} body
 * @param {string} tag
 * @param {() => void} onClick
 */
export function showDesktopNotification(body, tag, onClick) {
  if (desktopPermission() !== 'granted') return;
  try {
    const note = new Notification('Marginalia', { body, tag: `marginalia-${tag}` });
    note.onclick = () => {
      window.focus();
      onClick();
      note.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}
