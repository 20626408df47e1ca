// Discussions and comments shaped as the API sends them, for the reducer's and the
// article store's tests.

export const ARTICLE = 7;
export const COMMUNITY = 3;
export const BOB = { id: 2, username: 'bob', is_pseudonymous: false, profile_pic_url: null };

/** A discussion by Bob, created `id` seconds into 2025, so a later id is newer. */
export function discussion(id, fields = {}) {
  const at = new Date(Date.UTC(2025, 0, 1, 0, 0, id)).toISOString();
  return {
    id,
    article_id: ARTICLE,
    community_id: COMMUNITY,
    topic: `Topic ${id}`,
    content: `Content ${id}`,
    content_html: `<p>Content ${id}</p>`,
    author: BOB,
    user: BOB,
    is_pseudonymous: false,
    is_resolved: false,
    comments_count: 0,
    version: 1,
    created_at: at,
    updated_at: at,
    ...fields,
  };
}

/** A top-level comment by Bob. */
export function comment(id, discussionId, fields = {}) {
  return {
    id,
    discussion_id: discussionId,
    article_id: ARTICLE,
    community_id: COMMUNITY,
    parent_id: null,
    depth: 0,
    content: `Comment ${id}`,
    content_html: `<p>Comment ${id}</p>`,
    author: BOB,
    is_pseudonymous: false,
    is_deleted: false,
    version: 1,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...fields,
  };
}
