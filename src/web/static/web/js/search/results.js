/**
 * A search result as the list shows it: what it is, its title linking to the exact
 * item (the article page opens on a `#comment-N` and focuses it), where and by whom,
 * and the text around the match with the matched words marked.
 */

import { badge, h, timeEl } from '../dom.js';
import { communityPath, profilePath } from '../paths.js';

/** @import { Community, SearchHit } from '../api-types.js' */

const KIND_LABELS = { article: 'Article', discussion: 'Discussion', comment: 'Comment' };

/**
 * The snippet's text with its <mark>s, and nothing else: the API escapes the text and
 * adds only <mark>, and any other markup (a bug, a proxy) shows as its text. The HTML
 * is read in an inert <template>, where nothing loads or runs.
 * @param {string} html
 * @returns {(Node | string)[]}
 */
export function snippetNodes(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  return [...template.content.childNodes].map((node) => (
    node.nodeName === 'MARK' ? h('mark', {}, node.textContent ?? '') : node.textContent ?? ''));
}

/**
 * Where it was found and who wrote it; a pseudonym (no id) is no link to anyone.
 * @param {SearchHit} hit
 * @param {Community | undefined} community
 */
function metaLine(hit, community) {
  const author = hit.author;
  const parts = [
    community
      ? ['in ', h('a', { href: communityPath(community.slug) }, community.name)]
      : null,
    author
      ? ['by ', author.id === null
        ? h('span', { class: 'author' }, author.username)
        : h('a', { class: 'author', href: profilePath(author.username) }, author.username)]
      : null,
    timeEl(hit.created_at),
  ].filter(Boolean);
  return h('p', { class: 'meta' }, parts.map((part, i) => [i ? ' · ' : '', part]));
}

/**
 * @param {SearchHit} hit
 * @param {Map<number, Community>} communities those the reader may search, by id
 */
export function resultItem(hit, communities) {
  return h(
    'li',
    { class: 'search-result', dataset: { kind: hit.kind, id: hit.id } },
    h('h3', { class: 'search-result-title' },
      badge(KIND_LABELS[hit.kind] ?? hit.kind, `kind-${hit.kind}`), ' ',
      h('a', { href: hit.url }, hit.title || 'Untitled')),
    metaLine(hit, communities.get(hit.community_id)),
    h('p', { class: 'search-snippet' }, snippetNodes(hit.snippet_html)),
  );
}
