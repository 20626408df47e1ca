/**
 * Invite links, for admins: make one (it expires, and may be limited to a number
 * of uses), copy it while it is shown (the server keeps only its hash, so it is
 * shown once), and revoke the ones still working.
 *
 * The token goes in the link's fragment (/invite/#token), which browsers never
 * send to a server: it stays out of access logs and Referer headers.
 */

import { api, apiAll } from '../api.js';
import { busy, h, replaceChildren, showError, timeEl } from '../dom.js';
import { clearErrors, field, formAlert, showApiError } from '../forms.js';

/** @import { Community, Invite, NewInvite } from '../api-types.js' */

/** @type {[hours: number, label: string][]} */
const LIFETIMES = [
  [1, '1 hour'],
  [24, '1 day'],
  [168, '7 days'],
  [720, '30 days'],
];

/** @param {string} token */
export function inviteUrl(token) {
  return `${location.origin}/invite/#${token}`;
}

/** @param {Invite} invite */
function usesText(invite) {
  const limit = invite.max_uses === null ? 'no limit' : `at most ${invite.max_uses}`;
  return `Used ${invite.uses} time${invite.uses === 1 ? '' : 's'} (${limit})`;
}

/** @param {Community} community */
export function invitesSection(community) {
  const base = `/api/communities/${community.id}/invites`;
  const list = h('ul', { class: 'plain-list invite-list' });
  const listError = formAlert();
  const created = h('div', { class: 'new-invite', hidden: true });
  const revoked = async () => {
    await reload();
    created.hidden = true;
  };

  async function reload() {
    try {
      /** @type {Invite[]} */
      const invites = await apiAll(base);
      replaceChildren(
        list,
        invites.length
          ? invites.map((invite) => inviteRow(invite, { base, listError, revoked }))
          : h('li', { class: 'empty' }, 'No invite links are working now.'),
      );
    } catch (e) {
      showError(listError, `Could not load the invite links: ${e.message}`);
    }
  }

  const form = newInviteForm(base, async (invite) => {
    showCreated(created, invite);
    await reload();
  });
  reload();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'invites-title', id: 'invites' },
    h('h2', { id: 'invites-title' }, 'Invite links'),
    h('p', { class: 'hint' }, 'Anyone signed in who opens a working link joins as a member.'),
    form,
    created,
    h('h3', {}, 'Working links'),
    list,
    listError,
  );
}

/**
 * A working link, with a button that revokes it.
 * @param {Invite} invite
 * @param {{base: string, listError: HTMLElement, revoked: () => Promise<void>}} section
 *   `revoked` runs once the server revoked it
 */
function inviteRow(invite, { base, listError, revoked }) {
  const revoke = h('button', { type: 'button', class: 'button small' }, 'Revoke');
  const label = `invite link made ${new Date(invite.created_at).toLocaleString()}`;
  revoke.setAttribute('aria-label', `Revoke ${label}`);
  revoke.addEventListener('click', async () => {
    showError(listError, '');
    revoke.disabled = true;
    try {
      await api(`${base}/${invite.id}`, { method: 'DELETE' });
      await revoked();
    } catch (e) {
      revoke.disabled = false;
      showError(listError, `Could not revoke the link: ${e.message}`);
    }
  });
  return h(
    'li',
    { class: 'invite-row' },
    h('span', {}, 'Expires ', timeEl(invite.expires_at), ` · ${usesText(invite)}`),
    revoke,
  );
}

/**
 * Show a link just made, with a button that copies it: it can be read only now.
 * @param {HTMLElement} created where it goes
 * @param {NewInvite} invite
 */
function showCreated(created, invite) {
  const link = h('input', { readonly: true, value: inviteUrl(invite.token) });
  const copy = h('button', { type: 'button', class: 'button small' }, 'Copy link');
  const copied = h('span', { role: 'status', class: 'status-text' });
  copy.addEventListener('click', async () => {
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
      copied.textContent = 'Copied.';
    } catch {
      copied.textContent = 'Select the link and copy it.';
    }
  });
  replaceChildren(
    created,
    field('new-invite-link', 'New invite link (shown only now: copy it)', link),
    h('div', { class: 'actions' }, copy, copied),
  );
  created.hidden = false;
  link.focus();
  link.select();
}

/**
 * The form that makes a link: how long it works, and how many times.
 * @param {string} base the invites endpoint
 * @param {(invite: NewInvite) => Promise<void>} made runs with the link the server made
 */
function newInviteForm(base, made) {
  const error = formAlert();
  const lifetime = h('select', { name: 'expires_in_hours' });
  for (const [hours, text] of LIFETIMES) {
    lifetime.append(h('option', { value: hours, selected: hours === 168 }, text));
  }
  const maxUses = h('input', {
    name: 'max_uses', type: 'number', min: 1, max: 1000, inputmode: 'numeric',
  });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field('invite-expires', 'Expires after', lifetime),
    field('invite-max-uses', 'Number of uses (optional)', maxUses,
      'Leave empty for any number until it expires.'),
    error,
    h('button', { type: 'submit', class: 'button' }, 'Create invite link'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, error);
    const body = {
      expires_in_hours: Number(lifetime.value),
      max_uses: maxUses.value.trim() === '' ? null : Number(maxUses.value),
    };
    try {
      /** @type {NewInvite} */
      const invite = await busy(form, () => api(base, { method: 'POST', body }));
      maxUses.value = '';
      await made(invite);
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}
