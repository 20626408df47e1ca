from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from toolkit.types import ObjectId

from .syntax import MAX_CHARS

MAX_PAGE = 50
Kind = Literal["article", "discussion", "comment"]


class SearchQuery(Schema):
    q: str = Field(description=(
        f"What to look for, at most {MAX_CHARS} characters: words all must match, "
        '"quoted words" as a phrase, -word must not, `or` between two terms either'))
    community_id: ObjectId | None = None
    article_id: ObjectId | None = None
    author: str | None = Field(None, max_length=150, description=(
        "A username, exactly, in any case: what they wrote under their name (never "
        "what they wrote under a pseudonym) and the articles they submitted"))
    kind: Kind | None = None
    since: date | None = Field(None, description="YYYY-MM-DD, UTC, included")
    until: date | None = Field(None, description="YYYY-MM-DD, UTC, included")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    after: str | None = Field(None, max_length=500,
                              description="The `next_after` of the previous page")


class ResultAuthorOut(Schema):
    id: int | None = Field(description="null when the post is shown by its pseudonym")
    username: str = Field(description="The username, or the article's pseudonym of the author")


class SearchResultOut(Schema):
    kind: Kind
    id: int
    community_id: int
    article_id: int
    discussion_id: int | None = Field(description="null for an article")
    title: str = Field(description="The article's title, or the discussion's topic")
    snippet_html: str = Field(description=(
        "An excerpt of the matching text, HTML-escaped, the matching words in "
        "<mark>…</mark> (the only markup): safe to insert as HTML"))
    author: ResultAuthorOut | None = Field(description="null for an article without submitter")
    created_at: datetime
    url: str = Field(description="The page and place of the item, on this site")


class SearchOut(Schema):
    items: list[SearchResultOut]
    next_after: str | None = Field(
        description="Pass as `after` for the next page; null on the last")
