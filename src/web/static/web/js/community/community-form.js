/**
 * The form that creates a community (with its type) or edits one (name,
 * description, and whether a private community shows its description to
 * non-members).
 */

import { busy, h } from '../dom.js';
import { checkRequired, clearErrors, field, formAlert, showApiError } from '../forms.js';

/** @import { Community } from '../api-types.js' */

/** @param {string} idPrefix */
function typeChoice(idPrefix) {
  /**
   * @param {Community['type']} value
   * @param {string} label
   * @param {string} hint
   */
  const option = (value, label, hint) => {
    const id = `${idPrefix}-type-${value}`;
    return h(
      'div',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'type', value, id, checked: value === 'private' }),
      h('label', { for: id }, label, h('span', { class: 'hint' }, ` ${hint}`)),
    );
  };
  return h(
    'fieldset',
    { class: 'field' },
    h('legend', {}, 'Who can read it'),
    option('private', 'Private', '— members only; discussions update live'),
    option('public', 'Public', '— anyone reads, any signed-in user writes'),
  );
}

/**
 * Without `community` it creates; with it, it edits that community.
 * @param {{idPrefix: string, submitLabel: string, community?: Community | null,
 *   send: (body: Record<string, unknown>) => Promise<Community>,
 *   done: (community: Community) => void}} options
 */
export function communityForm({ idPrefix, submitLabel, community = null, send, done }) {
  const error = formAlert();
  const name = h('input', {
    name: 'name', required: true, minlength: 3, maxlength: 120, autocomplete: 'off',
  });
  const description = h('textarea', { name: 'description', rows: 3, maxlength: 5000 });
  const showDescription = h('input', {
    type: 'checkbox', name: 'show_description', id: `${idPrefix}-show-description`,
  });
  if (community) {
    name.value = community.name;
    description.value = community.description;
    showDescription.checked = community.show_description;
  }
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(`${idPrefix}-name`, 'Name', name, 'At least 3 characters.'),
    field(`${idPrefix}-description`, 'Description', description),
    community ? null : typeChoice(idPrefix),
    community && community.type === 'public'
      ? null
      : h(
          'div',
          { class: 'choice' },
          showDescription,
          h(
            'label',
            { for: showDescription.id },
            'Show the description to non-members of a private community (they always see its name)',
          ),
        ),
    error,
    h('button', { type: 'submit', class: 'button primary' }, submitLabel),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, error);
    if (!checkRequired(form)) return;
    /** @type {Record<string, unknown>} */
    const body = {
      name: name.value.trim(),
      description: description.value.trim(),
      show_description: showDescription.checked,
    };
    if (!community) body.type = new FormData(form).get('type');
    try {
      done(await busy(form, () => send(body)));
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}
