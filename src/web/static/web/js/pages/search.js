/**
 * The search page (/search/): everything the reader may read that matches the words
 * and filters in the page's address, a page of results at a time. The address is the
 * search's only state: the form's choices become a new address (Back returns to the
 * previous search), and an address that is shared opens on the same search. The API
 * decides what the reader may see; the reader's token goes with every request.
 */

import { api } from '../api.js';
import { byId, replaceChildren, showError } from '../dom.js';
import { retitled } from '../inbox/unread.js';
import { setUpPage } from '../layout.js';
import {
  fillCommunities, fillForm, readForm, searchableCommunities,
} from '../search/form.js';
import {
  countText, isFiltered, readSearch, searchApiPath, searchPath,
} from '../search/query.js';
import { resultItem } from '../search/results.js';

/** @import { Community, SearchPage } from '../api-types.js' */
/** @import { Search } from '../search/query.js' */

setUpPage();
const form = /** @type {HTMLFormElement} */ (byId('search-form'));
const results = byId('search-results');
const heading = byId('results-title');
const empty = byId('search-empty');
const errorLine = byId('search-error');
const list = byId('results-list');
const more = /** @type {HTMLButtonElement} */ (byId('more-results'));
const status = byId('search-status');

const communitiesLoaded = searchableCommunities();

/**
 * The search the list shows, how many results it shows and where the next page starts.
 * @type {{search: Search, count: number, nextAfter: string | null}}
 */
let shown = { search: addressSearch(), count: 0, nextAfter: null };
/** Counts searches: the answer to one that another replaced meanwhile is dropped. */
let generation = 0;
let fetchingMore = false;

function addressSearch() {
  return readSearch(new URLSearchParams(location.search));
}

/**
 * Said once by screen readers, politely: the results' count, or how many more came.
 * @param {string} text
 */
function announce(text) {
  status.textContent = text;
}

/**
 * A page of results, once the community names they show are known.
 * @param {Search} search
 * @param {string | null} after
 * @returns {Promise<[SearchPage, Map<number, Community>]>}
 */
function fetchPage(search, after) {
  /** @type {Promise<SearchPage>} */
  const page = api(searchApiPath(search, after));
  return Promise.all([page, communitiesLoaded]);
}

function showCount() {
  const { search, count } = shown;
  heading.textContent = `${countText(count)} for “${search.q}”`;
  heading.hidden = false;
}

/**
 * @param {SearchPage} page
 * @param {Map<number, Community>} communities
 */
function showFirstPage(page, communities) {
  const { search } = shown;
  list.append(...page.items.map((hit) => resultItem(hit, communities)));
  shown = { search, count: page.items.length, nextAfter: page.next_after };
  more.hidden = !page.next_after;
  if (!page.items.length) {
    empty.textContent = `No results for “${search.q}”${isFiltered(search) ? ' with these filters' : ''}.`;
    announce(empty.textContent);
    return;
  }
  empty.textContent = '';
  showCount();
  announce(heading.textContent ?? '');
}

/**
 * Shows the search's first page in place of what the list showed.
 * @param {Search} search
 */
async function run(search) {
  const mine = ++generation;
  shown = { search, count: 0, nextAfter: null };
  document.title = retitled(document.title,
    search.q ? `${search.q} · Search · Marginalia` : 'Search · Marginalia');
  replaceChildren(list);
  more.hidden = true;
  // The results' region is named by its heading: no stale count while there is none.
  heading.hidden = true;
  heading.textContent = '';
  showError(errorLine, null);
  if (!search.q) {
    empty.textContent = 'Type what you are looking for: articles, discussions and comments '
      + 'you may read.';
    announce('');
    return;
  }
  empty.textContent = 'Searching…';
  results.setAttribute('aria-busy', 'true');
  try {
    const [page, communities] = await fetchPage(search, null);
    if (mine === generation) showFirstPage(page, communities);
  } catch (error) {
    if (mine !== generation) return;
    empty.textContent = '';
    showError(errorLine, error.message);
  } finally {
    if (mine === generation) results.removeAttribute('aria-busy');
  }
}

/**
 * The next page, after the results shown. Focus moves to the first new result (the
 * button may leave), and screen readers hear how many came.
 */
async function showMore() {
  if (fetchingMore || !shown.nextAfter) return;
  const mine = generation;
  fetchingMore = true;
  more.setAttribute('aria-busy', 'true');
  showError(errorLine, null);
  try {
    const [page, communities] = await fetchPage(shown.search, shown.nextAfter);
    if (mine !== generation) return;
    const items = page.items.map((hit) => resultItem(hit, communities));
    list.append(...items);
    shown = { ...shown, count: shown.count + items.length, nextAfter: page.next_after };
    more.hidden = !page.next_after;
    showCount();
    const first = items[0]?.querySelector('.search-result-title a');
    (first instanceof HTMLElement ? first : heading).focus();
    announce(countText(items.length, 'more result', 'more results'));
  } catch (error) {
    if (mine === generation) showError(errorLine, error.message);
  } finally {
    fetchingMore = false;
    more.removeAttribute('aria-busy');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const search = readForm(form);
  const path = searchPath(search);
  if (path !== `${location.pathname}${location.search}`) history.pushState(null, '', path);
  run(search);
});

window.addEventListener('popstate', () => {
  const search = addressSearch();
  fillForm(form, search);
  run(search);
});

more.addEventListener('click', showMore);

const communitySelect = /** @type {HTMLSelectElement} */ (byId('search-community'));
communitiesLoaded.then((communities) => {
  fillCommunities(communitySelect, communities, communitySelect.value);
});

fillForm(form, shown.search);
if (!shown.search.q) byId('search-q').focus();
run(shown.search);
