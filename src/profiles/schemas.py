from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class CommunityRef(Schema):
    id: int
    slug: str
    name: str


class ArticleRef(Schema):
    id: int
    title: str


class DiscussionRef(Schema):
    id: int
    topic: str


class RecentPostOut(Schema):
    kind: Literal["discussion", "comment"]
    id: int
    created_at: datetime
    excerpt: str = Field(
        description="The start of the post's text as written (Markdown), whitespace "
        'collapsed, at most 200 characters, "…" where it was cut'
    )
    discussion: DiscussionRef = Field(description="The discussion, or the one commented in")
    article: ArticleRef
    community: CommunityRef


class ProfileOut(Schema):
    id: int
    username: str
    display_name: str = Field(description="Empty: the person shows as their username")
    joined: datetime
    shared_communities: list[CommunityRef] = Field(
        description="The communities both the caller and this person are members of, by "
        "name; none for an anonymous caller"
    )
    recent_posts: list[RecentPostOut] = Field(
        description="Their 20 newest discussions and comments the caller may read, newest "
        "first; never a deleted post nor one written under a pseudonym"
    )
