/**
 * Who the members are, with their roles; for admins also changing a role,
 * removing a member and adding one by username or e-mail.
 */

import { api, apiAll } from '../api.js';
import { busy, h, replaceChildren, showError } from '../dom.js';
import { checkRequired, clearErrors, field, formAlert, setFieldError, showApiError } from '../forms.js';

export const ROLE_LABELS = { admin: 'Admin', moderator: 'Moderator', member: 'Member' };

function roleSelect(id, selected) {
  const select = h('select', { id, name: 'role' });
  for (const [value, label] of Object.entries(ROLE_LABELS)) {
    select.append(h('option', { value, selected: value === selected }, label));
  }
  return select;
}

/**
 * The members section: {element, reload(), loaded (a promise: the first list shown)}. `me` is the signed-in user's id;
 * `onAdminsChanged` runs when someone becomes or stops being an admin, or the
 * caller leaves: what the page offers the caller (Leave, the admin sections)
 * may change with it.
 */
export function membersSection(community, { isAdmin, me, onAdminsChanged }) {
  const list = h('ul', { class: 'plain-list member-list', 'aria-busy': 'true' });
  const error = formAlert();
  const status = h('p', { class: 'sr-only', role: 'status' });
  const heading = h('h2', { id: 'members-title', tabindex: '-1' }, 'Members');
  const base = `/api/communities/${community.id}/members`;

  /** `onlyAdmin`: the community's one admin, whom the server keeps (no role change, no removal). */
  function row(member, onlyAdmin) {
    const name = member.user.username;
    const item = h('li', { class: 'member-row', dataset: { userId: member.user.id } }, h('span', { class: 'member-name' }, name));
    if (!isAdmin || onlyAdmin) {
      item.append(h('span', { class: 'badge' }, ROLE_LABELS[member.role] ?? member.role));
      if (isAdmin) item.append(h('span', { class: 'hint' }, 'the only admin: make another member admin to change this'));
      return item;
    }
    const select = roleSelect(`role-${member.user.id}`, member.role);
    select.setAttribute('aria-label', `Role of ${name}`);
    select.addEventListener('change', async () => {
      showError(error, '');
      const previous = member.role;
      // Not disabled meanwhile: a disabled control loses the keyboard focus.
      select.setAttribute('aria-busy', 'true');
      try {
        const changed = await api(`${base}/${member.user.id}`, { method: 'PATCH', body: { role: select.value } });
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
    item.append(select, remove);
    return item;
  }

  async function reload() {
    try {
      const members = await apiAll(base);
      const admins = members.filter((member) => member.role === 'admin').length;
      replaceChildren(list, members.map((member) => row(member, admins === 1 && member.role === 'admin')));
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
