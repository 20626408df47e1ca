/**
 * The search page's form: its fields show the search the address holds, and what the
 * person chose there becomes the next search. The community list offers the
 * communities the reader may search: every public one, and the private ones they belong to.
 */

import { apiAll } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { SEARCH_FIELDS, readSearch } from './query.js';

/** @import { Community } from '../api-types.js' */
/** @import { Search } from './query.js' */

/**
 * @param {HTMLFormElement} form
 * @param {string} name
 */
function field(form, name) {
  return /** @type {HTMLInputElement | HTMLSelectElement} */ (form.elements.namedItem(name));
}

/**
 * @param {HTMLFormElement} form
 * @returns {Search}
 */
export function readForm(form) {
  const params = new URLSearchParams();
  for (const name of SEARCH_FIELDS) params.set(name, field(form, name).value);
  return readSearch(params);
}

/**
 * @param {HTMLFormElement} form
 * @param {Search} search
 */
export function fillForm(form, search) {
  for (const name of SEARCH_FIELDS) {
    const input = field(form, name);
    if (name === 'community' && search.community) ensureOption(input, search.community);
    input.value = search[name];
  }
}

/**
 * A community the list does not name (not loaded yet, or not one the reader may search)
 * still shows as chosen, so that the form says what the results are filtered by.
 * @param {HTMLInputElement | HTMLSelectElement} select
 * @param {string} id
 */
function ensureOption(select, id) {
  if (!(select instanceof HTMLSelectElement)) return;
  if ([...select.options].some((option) => option.value === id)) return;
  select.append(h('option', { value: id }, `Community ${id}`));
}

/**
 * The communities the reader may search, by id; none when they cannot be listed (the
 * search still covers them all).
 * @returns {Promise<Map<number, Community>>}
 */
export async function searchableCommunities() {
  /** @type {Community[]} */
  let all = [];
  try {
    all = await apiAll('/api/communities');
  } catch {
    // The list only names the choices; the search works without it.
  }
  const searchable = all.filter((c) => c.type === 'public' || c.my_role);
  return new Map(searchable.map((c) => [c.id, c]));
}

/**
 * @param {HTMLSelectElement} select
 * @param {Map<number, Community>} communities
 * @param {string} chosen
 */
export function fillCommunities(select, communities, chosen) {
  const all = /** @type {HTMLOptionElement} */ (select.options[0]);
  replaceChildren(select, all, [...communities.values()].map(
    (c) => h('option', { value: String(c.id) }, c.name)));
  if (chosen) ensureOption(select, chosen);
  select.value = chosen;
}
