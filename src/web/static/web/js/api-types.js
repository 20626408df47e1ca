/**
 * The API's JSON as the pages read it: the answers of /api/docs, written from the
 * schemas in src/accounts, src/communities, src/discussions and src/profiles (times are
 * ISO 8601 strings). Discussions, comments and events are typed beside the reducer, in
 * ../realtime/apply-event.js.
 */

/**
 * @typedef {object} User
 * @property {number} id
 * @property {string} username
 * @property {string | null} profile_pic_url an avatar's URL; null: none
 */

/**
 * The signed-in person (/api/auth/me), as the settings page shows and changes it.
 * @typedef {User & {email: string, display_name: string}} Me
 */

/**
 * @typedef {object} Login one of the person's logins (/api/auth/logins)
 * @property {string} id
 * @property {string} browser a short name of the browser and system
 * @property {string} user_agent as the browser sent it
 * @property {string} created_at
 * @property {string} last_used_at when its tokens were last refreshed
 * @property {boolean} current the login of this browser
 */

/** @typedef {'admin' | 'moderator' | 'member'} Role */

/**
 * @typedef {object} Community
 * @property {number} id
 * @property {string} name
 * @property {string} slug
 * @property {string} description empty for a non-member of a private community unless
 *   show_description
 * @property {boolean} show_description
 * @property {'public' | 'private'} type
 * @property {number | null} member_count null for a non-member of a private community
 * @property {Role | null} my_role the caller's role, or null when not a member
 * @property {boolean} can_leave the caller is a member and not the community's only admin
 * @property {boolean} join_requested the caller has a pending request to join
 * @property {number | null} unread_count live discussions and comments the caller has not
 *   read; null unless a member
 * @property {string} created_at
 */

/**
 * @typedef {object} CommunityVisit
 * @property {number} community_id
 * @property {string | null} seen_at null before the first visit
 * @property {string | null} previous_seen_at the visit before the one a PUT recorded
 */

/**
 * An article of a community's list that has new discussions or comments since a time.
 * @typedef {object} News
 * @property {number} article_id
 * @property {string} title
 * @property {number} new_discussion_count
 * @property {number} new_comment_count
 * @property {string} latest_new_at
 */

/** @typedef {{items: News[], count: number}} NewsPage `count`: all of them */

/**
 * @typedef {object} Member
 * @property {User} user
 * @property {Role} role
 * @property {string} joined_at
 */

/**
 * @typedef {object} JoinRequest
 * @property {number} id
 * @property {User} user
 * @property {string} status
 * @property {string} created_at
 */

/**
 * @typedef {object} Invite
 * @property {number} id
 * @property {User | null} created_by
 * @property {string} created_at
 * @property {string} expires_at
 * @property {number | null} max_uses null: no limit until it expires
 * @property {number} uses
 */

/**
 * The answer to creating an invite link: the only one that carries its token.
 * @typedef {Invite & {token: string}} NewInvite
 */

/**
 * @typedef {object} InvitePreview
 * @property {Community} community
 * @property {string} expires_at
 */

/**
 * @typedef {object} Article
 * @property {number} id
 * @property {string} title
 * @property {string} abstract
 * @property {string[]} authors
 * @property {string} link
 * @property {User | null} submitter
 * @property {{id: number, name: string, slug: string, type: string}[]} communities those of
 *   the article's communities the caller can read
 * @property {string} created_at
 */

/**
 * A community as a profile names it: enough to link to it.
 * @typedef {object} CommunityRef
 * @property {number} id
 * @property {string} slug
 * @property {string} name
 */

/**
 * One of a person's newest posts, and where it lives.
 * @typedef {object} RecentPost
 * @property {'discussion' | 'comment'} kind
 * @property {number} id
 * @property {string} created_at
 * @property {string} excerpt the start of its text as written, at most 200 characters
 * @property {{id: number, topic: string}} discussion the discussion, or the one commented in
 * @property {{id: number, title: string}} article
 * @property {CommunityRef} community
 */

/**
 * A person's profile, as the caller may see it.
 * @typedef {object} Profile
 * @property {number} id
 * @property {string} username
 * @property {string} display_name empty: the person shows as their username
 * @property {string} joined
 * @property {CommunityRef[]} shared_communities those the caller is a member of too
 * @property {RecentPost[]} recent_posts the newest the caller may read, newest first
 */

/**
 * An article as its community's list shows it.
 * @typedef {object} ArticleActivity
 * @property {number} discussion_count live discussions in the community
 * @property {number} comment_count live comments on them
 * @property {string} last_activity_at the latest of them, else the article's own time
 * @property {number | null} unread_count what the caller has not read; null unless a member
 * @typedef {Article & ArticleActivity} CommunityArticle
 */

/**
 * One thing a search found (/api/search), as the caller may read it.
 * @typedef {object} SearchHit
 * @property {'article' | 'discussion' | 'comment'} kind
 * @property {number} id
 * @property {number} community_id the community it was found in
 * @property {number} article_id
 * @property {number | null} discussion_id null for an article
 * @property {string} title the article's title, the discussion's topic, or for a comment
 *   its discussion's topic
 * @property {string} snippet_html escaped text whose only markup is <mark> around matches
 * @property {{id: number | null, username: string} | null} author id null for a pseudonym
 * @property {string} created_at
 * @property {string} url the site's path to the exact item (…/#comment-34)
 */

/**
 * A page of search results; `next_after` continues after its last item, null: the last.
 * @typedef {{items: SearchHit[], next_after: string | null}} SearchPage
 */

export {};
