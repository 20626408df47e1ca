/**
 * The site's page addresses, built in one place: every name in them is URL-encoded
 * (slugs are ASCII, usernames may be any letters).
 */

/** @typedef {import('../realtime/apply-event').Author} Author */

/** @param {string} slug */
export function communityPath(slug) {
  return `/c/${encodeURIComponent(slug)}/`;
}

/**
 * @param {string} slug the community's the article is read in
 * @param {number} articleId
 */
export function articlePath(slug, articleId) {
  return `${communityPath(slug)}a/${articleId}/`;
}

/** @param {string} username */
export function profilePath(username) {
  return `/u/${encodeURIComponent(username)}/`;
}

/**
 * Where a post's author name leads: their profile, or nowhere when the name is no
 * one's to follow. A pseudonym must never lead to the person behind it, and the
 * API names no one (id null) for a pseudonymous or a deleted post.
 * @param {Pick<Author, 'id' | 'username' | 'is_pseudonymous'> | null} author
 * @returns {string | null}
 */
export function authorProfilePath(author) {
  if (!author || author.is_pseudonymous || author.id === null) return null;
  return profilePath(author.username);
}
