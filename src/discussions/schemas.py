from datetime import UTC, datetime
from typing import Annotated

from ninja import Schema
from pydantic import AwareDatetime, Field, HttpUrl, field_validator

from accounts.schemas import PROFILE_PIC_URL, UserOut
from toolkit.text_limits import Text, at_most_bytes
from toolkit.types import ObjectId

from .activity import UNREAD_COUNT
from .pseudonyms import pseudonym
from .rendering import html_within_event_bound

DELETED_CONTENT = "[deleted]"

# Bytes as well as characters: the largest discussion event (topic, content and
# the author twice) stays near 34 KB whatever the script or emoji.
Topic = Text(300, 600, min_chars=1)
Content = Text(20_000, 32 * 1024, min_chars=1)


def author_of(user, article_id: int, is_pseudonymous: bool) -> dict:
    """How a post's author is shown: by name, or by the article's pseudonym of them."""
    if is_pseudonymous:
        return {
            "id": None,
            "username": pseudonym(article_id, user.id),
            "is_pseudonymous": True,
            "profile_pic_url": None,
        }
    return {
        "id": user.id,
        "username": user.username,
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }


# A deleted comment kept for its replies shows no author, but an author object all the
# same: front ends read `author.username` of every comment without a null check.
DELETED_AUTHOR = {
    "id": None,
    "username": DELETED_CONTENT,
    "is_pseudonymous": False,
    "profile_pic_url": None,
}


CONTENT_HTML = Field(
    description="`content` rendered from Markdown with TeX maths (MathML) and sanitised; "
    "null when the content is so long that both would not fit one realtime event: fetch "
    "it from the object's `/content_html` then. Empty for a deleted comment."
)


class AuthorOut(Schema):
    id: int | None = Field(
        description="null when the author is shown by pseudonym or the comment is deleted"
    )
    username: str = Field(description='The username, the per-article pseudonym, or "[deleted]"')
    is_pseudonymous: bool
    profile_pic_url: str | None = PROFILE_PIC_URL


class ArticleIn(Schema):
    title: Text(500, 1000, min_chars=1)
    abstract: Text(20_000, 32 * 1024) = ""
    authors: list[Text(200, 400)] = Field(default_factory=list, max_length=200)
    link: Annotated[HttpUrl, at_most_bytes(2000)] | None = None  # the column holds 2000
    community_ids: list[ObjectId] = Field(min_length=1, max_length=50)


class ArticleCommunityOut(Schema):
    id: int
    name: str
    slug: str
    type: str


class ArticleOut(Schema):
    id: int
    title: str
    abstract: str
    authors: list[str]
    link: str
    submitter: UserOut | None
    communities: list[ArticleCommunityOut] = Field(
        validation_alias="visible_communities",
        description="The communities, among those the caller can read, the article is in",
    )
    created_at: datetime


class CommunityArticleOut(ArticleOut):
    """An article as its community's list shows it, with what goes on in its discussions
    there."""

    discussion_count: int = Field(description="Live discussions in this community")
    comment_count: int = Field(description="Live comments on them")
    last_activity_at: datetime = Field(
        description="When the latest of them was written; the article's own time before any"
    )
    unread_count: int | None = Field(description=UNREAD_COUNT)


class NewsQuery(Schema):
    # Not `after`: elsewhere that is a cursor of ids (a discussion's comments).
    since: AwareDatetime = Field(
        description="An ISO 8601 time with its offset, e.g. the `previous_seen_at` of the "
        "community's visit"
    )

    @field_validator("since")
    @classmethod
    def storable(cls, value: datetime) -> datetime:
        # The database keeps UTC: a time at the edge of the calendar may not convert.
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("Out of range") from None


class NewsOut(Schema):
    article_id: int = Field(validation_alias="id")
    title: str
    new_discussion_count: int
    new_comment_count: int
    latest_new_at: datetime = Field(description="When the latest of them was written")


class DiscussionIn(Schema):
    topic: Topic
    content: Content
    is_pseudonymous: bool = False


class DiscussionPatch(Schema):
    topic: Topic | None = None
    content: Content | None = None


class DiscussionOut(Schema):
    id: int
    article_id: int
    community_id: int
    topic: str
    content: str
    content_html: str | None = CONTENT_HTML
    author: AuthorOut
    user: AuthorOut = Field(description="The same as `author`: the name existing front ends read")
    is_pseudonymous: bool
    is_resolved: bool
    comments_count: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_author(discussion) -> dict:
        return author_of(discussion.author, discussion.article_id, discussion.is_pseudonymous)

    @staticmethod
    def resolve_user(discussion) -> dict:
        return DiscussionOut.resolve_author(discussion)

    @staticmethod
    def resolve_content_html(discussion) -> str | None:
        return html_within_event_bound(discussion.content, discussion.content_html)


class CommentIn(Schema):
    content: Content
    parent_id: ObjectId | None = None
    is_pseudonymous: bool = False


class CommentPatch(Schema):
    content: Content


class CommentOut(Schema):
    id: int
    discussion_id: int
    article_id: int
    community_id: int
    parent_id: int | None
    depth: int
    content: str = Field(description='"[deleted]" for a deleted comment kept for its replies')
    content_html: str | None = CONTENT_HTML
    author: AuthorOut = Field(description='For a deleted comment: id null, username "[deleted]"')
    is_pseudonymous: bool
    is_deleted: bool
    version: int
    created_at: datetime
    updated_at: datetime

    # A comment's discussion must be loaded (or assigned) before rendering.
    @staticmethod
    def resolve_article_id(comment) -> int:
        return comment.discussion.article_id

    @staticmethod
    def resolve_community_id(comment) -> int:
        return comment.discussion.community_id

    @staticmethod
    def resolve_content(comment) -> str:
        return DELETED_CONTENT if comment.is_deleted else comment.content

    @staticmethod
    def resolve_content_html(comment) -> str | None:
        return (
            ""
            if comment.is_deleted
            else html_within_event_bound(comment.content, comment.content_html)
        )

    @staticmethod
    def resolve_author(comment) -> dict:
        if comment.is_deleted:
            return DELETED_AUTHOR
        return author_of(comment.author, comment.discussion.article_id, comment.is_pseudonymous)

    @staticmethod
    def resolve_is_pseudonymous(comment) -> bool:
        return comment.is_pseudonymous and not comment.is_deleted


class CommentTreeOut(Schema):
    items: list[CommentOut] = Field(
        description="A page of the visible comments, oldest first, so parents come before "
        "their replies"
    )
    count: int = Field(description="How many comments `items` holds")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page"
    )


class PseudonymOut(Schema):
    pseudonym: str


class ContentHtmlOut(Schema):
    content_html: str


class RenderIn(Schema):
    content: Content


class RenderOut(Schema):
    content_html: str = Field(description="`content` rendered as a post would show it")
