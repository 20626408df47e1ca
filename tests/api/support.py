"""Plain helpers shared by the API tests (the fixtures live in conftest.py)."""

import itertools
import json as jsonlib
from dataclasses import dataclass

from django.test import Client

from accounts.models import RefreshTokenFamily, User
from communities.models import Community, CommunityVisit, Invite, JoinRequest, Membership
from discussions.models import Article, ArticleVisit, Comment, Discussion, Placement
from notifications.models import (
    Activity,
    ArticleFollow,
    DiscussionFollow,
    Notification,
    NotificationPreferences,
)
from realtime.models import OutboxEvent

PASSWORD = "A-long-test-passphrase-42"

_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


@dataclass
class Person:
    """A user with valid tokens, as a client holds them after logging in."""

    user: User
    password: str
    access: str
    refresh: str

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username


class Api:
    """django.test.Client speaking JSON, signed in as a Person (or anonymous)."""

    _NO_BODY = object()

    def __init__(self):
        self.client = Client()

    def request(
        self,
        method,
        path,
        as_=None,
        json=_NO_BODY,
        body=None,
        content_type="application/json",
        headers=None,
    ):
        headers = dict(headers or {})
        if as_ is not None:
            headers["Authorization"] = f"Bearer {as_.access}"
        if json is not self._NO_BODY:
            body = jsonlib.dumps(json)
        return self.client.generic(
            method, path, data=body or "", content_type=content_type, headers=headers
        )

    def get(self, path, as_=None, **kwargs):
        return self.request("GET", path, as_, **kwargs)

    def post(self, path, json=None, as_=None, **kwargs):
        return self.request("POST", path, as_, json=json, **kwargs)

    def patch(self, path, json=None, as_=None, **kwargs):
        return self.request("PATCH", path, as_, json=json, **kwargs)

    def delete(self, path, as_=None, **kwargs):
        return self.request("DELETE", path, as_, **kwargs)


@dataclass
class Lab:
    """A community with one person per role, an article in it, and a
    discussion and a comment written by `author` (a plain member)."""

    community: Community
    admin: Person
    moderator: Person
    member: Person
    author: Person
    outsider: Person
    article: Article
    discussion: Discussion
    comment: Comment


SNAPSHOT_MODELS = (
    User,
    Community,
    Membership,
    JoinRequest,
    Invite,
    Article,
    Placement,
    Discussion,
    Comment,
    OutboxEvent,
    NotificationPreferences,
    RefreshTokenFamily,
    ArticleVisit,
    CommunityVisit,
    Activity,
    ArticleFollow,
    DiscussionFollow,
    Notification,
)


def db_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the API writes, to prove a request changed nothing."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in SNAPSHOT_MODELS
    }


def assert_json_error(response, status: int) -> dict:
    """A clear error: the expected 4xx status and a JSON `{message, errors?}` body."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.content[:500]!r}"
    )
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict) and set(body) <= {"message", "errors"}, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


def walk(value):
    """Every dict key, scalar value and string inside a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


class OutboxWatch:
    """The outbox rows written after the watch started, decoded."""

    def __init__(self):
        last = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first()
        self.after_id = last or 0

    def rows(self) -> list[OutboxEvent]:
        return list(OutboxEvent.objects.filter(id__gt=self.after_id).order_by("id"))

    def events(self) -> list[dict]:
        """Content events as {type, meta, body}; membership rows left out."""
        decoded = []
        for row in self.rows():
            meta = jsonlib.loads(row.meta)
            if meta["type"] != "membership":
                body = jsonlib.loads(row.body)
                decoded.append({"type": meta["type"], "meta": meta, "body": body})
        return decoded

    def memberships(self) -> list[dict]:
        return [jsonlib.loads(row.meta) for row in self.rows() if row.member_user_id is not None]

    def only_event(self) -> dict:
        """The one row written since the watch started, a content event (restarts the watch)."""
        events = self.events()
        assert len(events) == len(self.rows()) == 1, [row.meta for row in self.rows()]
        self.__init__()
        return events[0]
