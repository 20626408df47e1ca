/**
 * A search as the page's address holds it (`/search/?q=&community=&kind=&author=&since=
 * &until=`), so that it can be shared and Back returns to it, and the API request that
 * asks for it (`/api/search`). No DOM here: the node tests read it as it is.
 */

/** @typedef {'article' | 'discussion' | 'comment'} SearchKind */

/**
 * @typedef {object} Search
 * @property {string} q what to look for; empty: nothing asked yet
 * @property {string} community a community's id; empty: every one the reader may search
 * @property {SearchKind | ''} kind
 * @property {string} author a username
 * @property {string} since YYYY-MM-DD, inclusive
 * @property {string} until YYYY-MM-DD, inclusive
 */

/** The address's parameters, in the order the address writes them. */
export const SEARCH_FIELDS = /** @type {const} */ (
  ['q', 'community', 'kind', 'author', 'since', 'until']);

/** @type {readonly string[]} */
const KINDS = ['article', 'discussion', 'comment'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[1-9]\d{0,17}$/;

/**
 * The search an address asks for. What no search could mean (an unknown kind, a date
 * that is none) is left out rather than refused: a shared link still searches.
 * @param {URLSearchParams} params
 * @returns {Search}
 */
export function readSearch(params) {
  const get = (/** @type {string} */ name) => (params.get(name) ?? '').trim();
  const kind = get('kind');
  return {
    q: get('q'),
    community: ID.test(get('community')) ? get('community') : '',
    kind: KINDS.includes(kind) ? /** @type {SearchKind} */ (kind) : '',
    // People write a username as they see it on a profile, "@name".
    author: get('author').replace(/^@/, ''),
    since: DAY.test(get('since')) ? get('since') : '',
    until: DAY.test(get('until')) ? get('until') : '',
  };
}

/**
 * The page's address for a search: only the parameters that say something.
 * @param {Search} search
 */
export function searchPath(search) {
  const params = new URLSearchParams();
  for (const name of SEARCH_FIELDS) if (search[name]) params.set(name, search[name]);
  const query = params.toString();
  return query ? `/search/?${query}` : '/search/';
}

/**
 * The API's request for a page of results.
 * @param {Search} search
 * @param {string | null} [after] the previous page's `next_after`
 */
export function searchApiPath(search, after = null) {
  const params = new URLSearchParams({ q: search.q });
  if (search.community) params.set('community_id', search.community);
  if (search.kind) params.set('kind', search.kind);
  if (search.author) params.set('author', search.author);
  if (search.since) params.set('since', search.since);
  if (search.until) params.set('until', search.until);
  if (after) params.set('after', after);
  return `/api/search?${params}`;
}

/**
 * Whether anything narrows the search beyond its words.
 * @param {Search} search
 */
export function isFiltered(search) {
  return SEARCH_FIELDS.some((name) => name !== 'q' && search[name] !== '');
}

/**
 * @param {number} count
 * @param {string} [one]
 * @param {string} [many]
 */
export function countText(count, one = 'result', many = 'results') {
  return `${count} ${count === 1 ? one : many}`;
}
