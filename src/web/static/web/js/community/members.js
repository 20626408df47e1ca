/**
 * Who the members are, with their roles; for admins also changing a role,
 * removing a member and adding one by username or e-mail.
 */

import { api, apiAll } from '../api.js';
import { busy, h, replaceChildren, showError } from '../dom.js';
import {
  checkRequired, clearErrors, field, formAlert, setFieldError, showApiError,
} from '../forms.js';

/** @import { Community, Member, Role } from '../api-types.js' */

/** @type {Record<Role, string>} */
export const ROLE_LABELS = { admin: 'Admin', moderator: 'Moderator', member: 'Member' };

/**
 * @param {string} id
 * @param {Role} selected
 */
function roleSelect(id, selected) {
  const select = h('select', { id, name: 'role' });
  for (const [value, label] of Object.entries(ROLE_LABELS)) {
    select.append(h('option', { value, selected: value === selected }, label));
  }
  return select;
}

/**
 * What the rows of the members section share: where they change a member, and where
 * they report.
 * @typedef {object} MembersContext
 * @property {string} base the members endpoint
 * @property {number | undefined} me the signed-in user's id
 * @property {HTMLElement} error the section's alert
 * @property {HTMLElement} status what a screen reader is told
 * @property {HTMLElement} heading takes the focus when a row it held goes
 * @property {() => void} onAdminsChanged
 */

/**
 * @typedef {object} MembersSection
 * @property {HTMLElement} element
 * @property {() => Promise<void>} reload
 * @property {Promise<void>} loaded the first list shown
 */

/**
 * The members section. `me` is the signed-in user's id; `onAdminsChanged` runs when
 * someone becomes or stops being an admin, or the caller leaves: what the page offers
 * the caller (Leave, the admin sections) may change with it.
 * @param {Community} community
 * @param {{isAdmin: boolean, me: number | undefined, onAdminsChanged: () => void}} options
 * @returns {MembersSection}
 */
export function membersSection(community, { isAdmin, me, onAdminsChanged }) {
  const list = h('ul', { class: 'plain-list member-list', 'aria-busy': 'true' });
  const error = formAlert();
  const status = h('p', { class: 'sr-only', role: 'status' });
  const heading = h('h2', { id: 'members-title', tabindex: '-1' }, 'Members');
  const base = `/api/communities/${community.id}/members`;
  /** @type {MembersContext} */
  const context = { base, me, error, status, heading, onAdminsChanged };

  async function reload() {
    try {
      /** @type {Member[]} */
      const members = await apiAll(base);
      const admins = members.filter((member) => member.role === 'admin').length;
      replaceChildren(
        list,
        members.map((member) => {
          const onlyAdmin = admins === 1 && member.role === 'admin';
          return memberRow(member, { isAdmin, onlyAdmin }, context);
        }),
      );
    } catch (e) {
      showError(error, `Could not load the members: ${e.message}`);
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'members-title', id: 'members' },
    heading,
    list,
    error,
    status,
    isAdmin ? addMemberForm(community, reload) : null,
  );
  return { element, reload, loaded: reload() };
}

/**
 * A member's row: the name, and the role. An admin changes the role there and removes
 * the member, except the community's one admin, whom the server keeps.
 * @param {Member} member
 * @param {{isAdmin: boolean, onlyAdmin: boolean}} caller
 * @param {MembersContext} context
 */
function memberRow(member, { isAdmin, onlyAdmin }, context) {
  const item = h(
    'li',
    { class: 'member-row', dataset: { userId: member.user.id } },
    h('span', { class: 'member-name' }, member.user.username),
  );
  if (!isAdmin || onlyAdmin) {
    item.append(h('span', { class: 'badge' }, ROLE_LABELS[member.role] ?? member.role));
    if (isAdmin) {
      item.append(h('span', { class: 'hint' },
        'the only admin: make another member admin to change this'));
    }
  } else {
    item.append(roleControl(member, context), removeButton(member, item, context));
  }
  return item;
}

/**
 * @param {Member} member
 * @param {MembersContext} context
 */
function roleControl(member, { base, error, status, onAdminsChanged }) {
  const name = member.user.username;
  const select = roleSelect(`role-${member.user.id}`, member.role);
  select.setAttribute('aria-label', `Role of ${name}`);
  select.addEventListener('change', async () => {
    showError(error, '');
    const previous = member.role;
    // Not disabled meanwhile: a disabled control loses the keyboard focus.
    select.setAttribute('aria-busy', 'true');
    try {
      /** @type {Member} */
      const changed = await api(`${base}/${member.user.id}`, {
        method: 'PATCH',
        body: { role: select.value },
      });
      member.role = changed.role;
      status.textContent = `${name} is now ${ROLE_LABELS[changed.role].toLowerCase()}.`;
      if (previous === 'admin' || changed.role === 'admin') onAdminsChanged();
    } catch (e) {
      select.value = previous;
      showError(error, `Could not change the role of ${name}: ${e.message}`);
    } finally {
      select.removeAttribute('aria-busy');
    }
  });
  return select;
}

/**
 * @param {Member} member
 * @param {HTMLElement} item the member's row
 * @param {MembersContext} context
 */
function removeButton(member, item, { base, me, error, status, heading, onAdminsChanged }) {
  const name = member.user.username;
  const remove = h('button', { type: 'button', class: 'button small' }, 'Remove');
  remove.setAttribute('aria-label', `Remove ${name}`);
  remove.addEventListener('click', async () => {
    showError(error, '');
    remove.disabled = true;
    try {
      await api(`${base}/${member.user.id}`, { method: 'DELETE' });
      status.textContent = `${name} was removed.`;
      if (member.user.id === me || member.role === 'admin') {
        onAdminsChanged();
        return;
      }
      item.remove();
      heading.focus(); // the removed row held the focus
    } catch (e) {
      remove.disabled = false;
      showError(error, `Could not remove ${name}: ${e.message}`);
    }
  });
  return remove;
}

/**
 * @param {Community} community
 * @param {() => Promise<void>} reload shows the list again, the new member in it
 */
function addMemberForm(community, reload) {
  const error = formAlert();
  const who = h('input', { name: 'username', required: true, maxlength: 254, autocomplete: 'off' });
  const role = roleSelect('add-member-role', 'member');
  const form = h(
    'form',
    { class: 'stack add-member', novalidate: true },
    h('h3', {}, 'Add a member'),
    field('add-member-username', 'Username or e-mail', who),
    field('add-member-role', 'Role', role),
    error,
    h('button', { type: 'submit', class: 'button' }, 'Add member'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, error);
    if (!checkRequired(form)) return;
    try {
      await busy(form, () =>
        api(`/api/communities/${community.id}/members`, {
          method: 'POST',
          body: { username: who.value.trim(), role: role.value },
        }),
      );
      who.value = '';
      await reload();
      who.focus();
    } catch (e) {
      if (e.status === 404 || e.status === 409) {
        // No such user, or already a member: both are about what was typed.
        setFieldError(who, `Username or e-mail: ${e.message}.`);
        who.focus();
      } else {
        showApiError(form, error, e);
      }
    }
  });
  return form;
}
