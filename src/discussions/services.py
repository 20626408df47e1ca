"""Every change to articles, discussions and comments, with its permission
rules. Each change runs in one transaction and records its realtime event in
that same transaction (see realtime.events). A post's text is rendered before
that transaction, once the writer may write it: rendering maths may take a
second, and no database lock waits for it."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from communities import access
from notifications import activity
from toolkit.errors import ApiError
from toolkit.log_lines import log_event

from . import events, lookups
from .models import Article, Comment, Discussion, Placement
from .rendering import render


@transaction.atomic
def create_article(user, title, abstract, authors, link, community_ids) -> Article:
    communities = [lookups.readable_community(user, cid, write=True) for cid in set(community_ids)]
    article = Article.objects.create(
        title=title, abstract=abstract, authors=authors, link=link, submitter=user
    )
    Placement.objects.bulk_create(Placement(article=article, community=c) for c in communities)
    log_event(
        "article_created", article_id=article.id, user_id=user.id, communities=len(communities)
    )
    return article


@transaction.atomic
def place_article(user, article: Article, community) -> None:
    access.require_contents_access(user, community, write=True)
    if Placement.objects.filter(article=article, community=community).exists():
        raise ApiError(409, "The article is already in that community")
    Placement.objects.create(article=article, community=community)
    log_event("article_placed", article_id=article.id, community_id=community.id, user_id=user.id)


def _require_author(user, obj, what: str) -> None:
    if obj.author_id != user.id:
        raise ApiError(403, f"Only the author can edit this {what}")


def _log_discussion(event: str, discussion, user) -> None:
    log_event(
        event,
        discussion_id=discussion.id,
        article_id=discussion.article_id,
        community_id=discussion.community_id,
        user_id=user.id,
    )


def _log_comment(event: str, comment, discussion, user) -> None:
    log_event(
        event,
        comment_id=comment.id,
        discussion_id=discussion.id,
        community_id=discussion.community_id,
        user_id=user.id,
    )


# `updated_at` is when the text was last edited (pages show it as "edited"): a
# change of status (resolved, deleted) raises the version but keeps updated_at.
TEXT_FIELDS = {"topic", "content"}


def _bump(obj, **changes) -> None:
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.version += 1
    edited = []
    if TEXT_FIELDS & changes.keys():
        obj.updated_at = timezone.now()
        edited = ["updated_at"]
    obj.save(update_fields=[*changes, "version", *edited])


def create_discussion(user, article, community, topic, content, is_pseudonymous, origin_queue_id):
    access.require_contents_access(user, community, write=True)
    content_html = render(content, user.id)
    with transaction.atomic():
        discussion = Discussion.objects.create(
            article=article,
            community=community,
            author=user,
            topic=topic,
            content=content,
            content_html=content_html,
            is_pseudonymous=is_pseudonymous,
        )
        events.discussion_changed(events.NEW_DISCUSSION, discussion, user, origin_queue_id)
        activity.discussion_started(discussion)
        _log_discussion("discussion_created", discussion, user)
    return discussion


def _lock_as_committed(post, what: str, *fields: str) -> None:
    """Lock `post`'s row for this transaction and take its version, deletion and
    `fields` as committed now: it was read, checked and rendered for before the
    transaction."""
    locked = (
        type(post)
        .objects.select_for_update()
        .filter(pk=post.pk)
        .values("version", "is_deleted", *fields)
        .first()
    )
    if locked is None or locked["is_deleted"]:
        raise ApiError(404, f"{what} not found")
    for field in ("version", *fields):
        setattr(post, field, locked[field])


def _edits(post, changes: dict) -> dict:
    """The changes that change something: sending the same words again is not an edit
    (no new version, no "edited" mark, no event)."""
    return {field: value for field, value in changes.items() if getattr(post, field) != value}


def update_discussion(user, discussion_id, topic, content, origin_queue_id):
    discussion = lookups.readable_discussion(user, discussion_id)
    _require_author(user, discussion, "discussion")
    changes = {k: v for k, v in (("topic", topic), ("content", content)) if v is not None}
    if not changes:
        raise ApiError(422, "Nothing to change: send topic or content")
    content_html = render(content, user.id) if content is not None else None
    with transaction.atomic():
        _lock_as_committed(discussion, "Discussion", *changes)
        changes = _edits(discussion, changes)
        if not changes:
            return discussion
        if "content" in changes:
            changes["content_html"] = content_html
        _bump(discussion, **changes)
        events.discussion_changed(events.UPDATED_DISCUSSION, discussion, user, origin_queue_id)
        _log_discussion("discussion_updated", discussion, user)
    return discussion


@transaction.atomic
def set_resolved(user, discussion_id, resolved: bool, origin_queue_id):
    discussion = lookups.readable_discussion(user, discussion_id, lock=True)
    if discussion.author_id != user.id and not access.is_admin(user, discussion.community):
        raise ApiError(403, "Only the author or a community admin can resolve this discussion")
    if discussion.is_resolved != resolved:
        _bump(discussion, is_resolved=resolved)
        events.discussion_changed(events.UPDATED_DISCUSSION, discussion, user, origin_queue_id)
        _log_discussion(
            "discussion_resolved" if resolved else "discussion_unresolved", discussion, user
        )
    return discussion


@transaction.atomic
def delete_discussion(user, discussion_id, origin_queue_id) -> None:
    discussion = lookups.readable_discussion(user, discussion_id, lock=True)
    if discussion.author_id != user.id and not access.is_manager(user, discussion.community):
        raise ApiError(403, "Only the author or a community admin or moderator can delete this")
    _bump(discussion, is_deleted=True)
    events.discussion_deleted(discussion, user, origin_queue_id)
    _log_discussion("discussion_deleted", discussion, user)


def create_comment(user, discussion_id, content, parent_id, is_pseudonymous, origin_queue_id):
    discussion = lookups.readable_discussion(user, discussion_id)
    access.require_contents_access(user, discussion.community, write=True)
    content_html = render(content, user.id)
    with transaction.atomic():
        depth = 0
        if parent_id is not None:
            # Locked: a deletion of the parent running now decides, after this reply
            # commits, that the parent keeps a live reply (and stays as "[deleted]").
            parent = (
                Comment.objects.select_for_update(no_key=True)
                .filter(pk=parent_id, discussion=discussion)
                .first()
            )
            if parent is None:
                raise ApiError(422, "parent_id must be a comment of the same discussion")
            if parent.is_deleted:
                raise ApiError(409, "Cannot reply to a deleted comment")
            if parent.depth >= Comment.MAX_DEPTH:
                raise ApiError(422, f"Replies nest at most {Comment.MAX_DEPTH + 1} levels deep")
            depth = parent.depth + 1
        comment = Comment.objects.create(
            discussion=discussion,
            parent_id=parent_id,
            depth=depth,
            author=user,
            content=content,
            content_html=content_html,
            is_pseudonymous=is_pseudonymous,
        )
        events.comment_changed(events.NEW_COMMENT, comment, discussion, user, origin_queue_id)
        activity.comment_written(comment, discussion)
        _log_comment("comment_created", comment, discussion, user)
    return comment


def update_comment(user, comment_id, content, origin_queue_id):
    comment = lookups.readable_comment(user, comment_id)
    _require_author(user, comment, "comment")
    content_html = render(content, user.id)
    with transaction.atomic():
        _lock_as_committed(comment, "Comment", "content")
        if not _edits(comment, {"content": content}):
            return comment
        _bump(comment, content=content, content_html=content_html)
        events.comment_changed(
            events.UPDATED_COMMENT, comment, comment.discussion, user, origin_queue_id
        )
        _log_comment("comment_updated", comment, comment.discussion, user)
    return comment


@transaction.atomic
def delete_comment(user, comment_id, origin_queue_id) -> None:
    """Soft delete. A comment with a live reply below it stays in the tree as
    "[deleted]" (an `updated_comment`); one without leaves it (`deleted_comment`),
    and so does every deleted ancestor it was the last live reply of."""
    discussion_id = lookups.readable_comment(user, comment_id).discussion_id
    # Whether a comment leaves the tree depends on its neighbours' deletions: deletions
    # in one discussion take turns. NO KEY UPDATE, so that inserting a comment (whose
    # foreign key takes a KEY SHARE lock on the discussion) is never blocked by it.
    Discussion.objects.select_for_update(no_key=True).filter(pk=discussion_id).first()
    comment = lookups.readable_comment(user, comment_id, lock=True)
    discussion = comment.discussion
    if comment.author_id != user.id and not access.is_manager(user, discussion.community):
        raise ApiError(403, "Only the author or a community admin or moderator can delete this")
    _bump(comment, is_deleted=True)
    _log_comment("comment_deleted", comment, discussion, user)
    if _has_live_reply(comment):
        events.comment_changed(events.UPDATED_COMMENT, comment, discussion, user, origin_queue_id)
        return
    events.comment_changed(events.DELETED_COMMENT, comment, discussion, user, origin_queue_id)
    parent_id = comment.parent_id
    while parent_id is not None:
        parent = Comment.objects.get(pk=parent_id)
        if not parent.is_deleted or _has_live_reply(parent):
            break
        parent.discussion = discussion
        _bump(parent)  # its leaving is a change: clients holding the placeholder apply it
        events.comment_changed(events.DELETED_COMMENT, parent, discussion, user, origin_queue_id)
        parent_id = parent.parent_id


def _has_live_reply(comment) -> bool:
    """A live comment anywhere below `comment`: replies nest at most two levels
    (Comment.MAX_DEPTH), so a reply or a reply's reply."""
    below = Q(parent_id=comment.id) | Q(parent__parent_id=comment.id)
    return Comment.objects.filter(below, is_deleted=False).exists()
