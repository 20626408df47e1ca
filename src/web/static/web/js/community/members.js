/**
 * Who the members are, with their roles; for admins also changing a role,
 * removing a member and adding one by username.
 */

import { api, apiAll } from '../api.js';
import { busy, h, replaceChildren, showError } from '../dom.js';
import {
  checkRequired, clearErrors, field, formAlert, setFieldError, showApiError,
} from '../forms.js';
import { profilePath } from '../paths.js';
import { openConfirm } from '../slots.js';

/** @import { Community, Member, Role } from '../api-types.js' */

/** @type {Record<Role, string>} */
export const ROLE_LABELS = { admin: 'Admin', moderator: 'Moderator', member: 'Member' };

/**
 * "1 member", "3 members".
 * @param {number} count
 */
export function membersText(count) {
  return `${count} member${count === 1 ? '' : 's'}`;
}

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
 * @property {() => Promise<void>} reload shows the list again
 */

/**
 * @typedef {object} MembersSection
 * @property {HTMLElement} element
 * @property {() => Promise<void>} reload
 * @property {Promise<void>} loaded the first list shown
 */

/**
 * @typedef {object} MembersOptions
 * @property {boolean} isAdmin
 * @property {number | undefined} me the signed-in user's id
 * @property {() => void} onAdminsChanged runs when someone becomes or stops being an
 *   admin, or the caller leaves: what the page offers the caller (Leave, the admin
 *   sections) may change with it
 * @property {(count: number) => void} onCountChanged given the number of members listed
 *   whenever the list changes: the list is what the page counts, so a count shown
 *   elsewhere never disagrees with it
 */

/**
 * The members section.
 * @param {Community} community
 * @param {MembersOptions} options
 * @returns {MembersSection}
 */
export function membersSection(community, { isAdmin, me, onAdminsChanged, onCountChanged }) {
  const list = h('ul', { class: 'plain-list member-list', 'aria-busy': 'true' });
  const error = formAlert();
  const status = h('p', { class: 'sr-only', role: 'status' });
  const heading = h('h2', { id: 'members-title', tabindex: '-1' }, 'Members');
  const base = `/api/communities/${community.id}/members`;
  /** @type {MembersContext} */
  const context = { base, me, error, status, heading, onAdminsChanged, reload };

  // One reload at a time, in order: a list fetched before a change is never shown after it.
  let queue = Promise.resolve();
  function reload() {
    queue = queue.then(showMembers);
    return queue;
  }

  async function showMembers() {
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
      onCountChanged(members.length);
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
    h('span', { class: 'member-name' },
      h('a', { href: profilePath(member.user.username) }, member.user.username)),
  );
  if (!isAdmin || onlyAdmin) {
    item.append(h('span', { class: 'badge' }, ROLE_LABELS[member.role] ?? member.role));
    if (isAdmin) {
      item.append(h('span', { class: 'hint' },
        'the only admin: make another member admin to change this'));
    }
  } else {
    const slot = h('div', { class: 'form-slot' });
    item.append(roleControl(member, context), removeButton(member, slot, context), slot);
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
 * The button that removes a member, once the admin confirms it in the row's slot
 * (where a failure shows too).
 * @param {Member} member
 * @param {HTMLElement} slot where the row asks
 * @param {MembersContext} context
 */
function removeButton(member, slot, context) {
  const { base, me, error, status, heading, onAdminsChanged, reload } = context;
  const name = member.user.username;
  const remove = h('button', { type: 'button', class: 'button small' }, 'Remove');
  remove.setAttribute('aria-label', `Remove ${name}`);
  const removeMember = async () => {
    await api(`${base}/${member.user.id}`, { method: 'DELETE' });
    status.textContent = `${name} was removed.`;
    if (member.user.id === me || member.role === 'admin') {
      onAdminsChanged();
      return;
    }
    await reload();
    heading.focus(); // the removed row held the focus
  };
  remove.addEventListener('click', () => {
    showError(error, '');
    openConfirm(slot, `Remove ${name} from the community?`, removeMember, {
      confirmText: 'Remove',
      groupLabel: `Confirm removing ${name}`,
    });
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
    field('add-member-username', 'Username', who),
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
        setFieldError(who, `Username: ${e.message}.`);
        who.focus();
      } else {
        showApiError(form, error, e);
      }
    }
  });
  return form;
}
