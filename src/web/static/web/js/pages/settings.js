/**
 * The signed-in person's settings: their display name, e-mail address and password,
 * their notification preferences, what they follow, and where they are signed in. Signed out, the page
 * sends them to sign in and back here.
 */

import { api } from '../api.js';
import { byId, h, replaceChildren } from '../dom.js';
import { setUpPage, signInUrl } from '../layout.js';
import { kindChoicesTable, preferenceSwitches } from '../notification-preferences.js';
import { emailSection } from '../settings/email.js';
import { followingSection } from '../settings/following.js';
import { loginsSection } from '../settings/logins.js';
import { passwordSection } from '../settings/password.js';
import { profileSection } from '../settings/profile.js';
import { settingsSection } from '../settings/section.js';

/** @import { Me } from '../api-types.js' */

const { session } = setUpPage();
const root = byId('settings');

function notificationsSection() {
  return settingsSection('notifications', 'Notifications',
    h('p', { class: 'hint' }, 'Each kind of notification can go to your inbox, and also '
      + 'show a desktop notification while Marginalia’s tabs are hidden, or make a sound. '
      + 'Your choices follow you to every browser.'),
    kindChoicesTable(),
    h('p', { class: 'hint' }, 'While an article of a private community is open, what others '
      + 'write there can also make a sound, or show a desktop notification when its tab is '
      + 'hidden.'),
    preferenceSwitches());
}

async function load() {
  /** @type {Me} */
  let me;
  try {
    me = await api('/api/auth/me');
  } catch (failure) {
    root.removeAttribute('aria-busy');
    replaceChildren(root, h('p', { class: 'form-error', role: 'alert' }, failure.message));
    return;
  }
  const logins = loginsSection();
  root.removeAttribute('aria-busy');
  replaceChildren(root,
    profileSection(me),
    emailSection(me),
    passwordSection({ onChanged: logins.reload }),
    notificationsSection(),
    followingSection(),
    logins.element);
  // The sections came after the browser looked for the address's #section.
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

if (session) load();
else location.replace(signInUrl());
