"""Fixtures for the API tests: a JSON client going through the real URL routing,
and factories for users (with tokens), communities with roles, articles,
discussions and comments. Factories write through the ORM, so they record no
outbox events; tests that count events count the ones their requests add."""

import pytest
import redis

from accounts import sessions
from accounts.models import User
from communities.models import Community, JoinRequest, Membership
from discussions.models import Article, Comment, Discussion, Placement
from discussions.rendering import render
from realtime import connection
from realtime_core.signals import Signals
from tests.support.stack import RedisServer

from .support import PASSWORD, Api, Lab, OutboxWatch, Person, unique


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    """Tests post far faster than people: the limits stay on but out of reach
    (tests about the limits lower them)."""
    settings.RATE_LIMITS = {name: "1000000/minute" for name in settings.RATE_LIMITS}


@pytest.fixture
def api():
    return Api()


@pytest.fixture
def make_user(db):
    def make(username=None, password=PASSWORD, **fields) -> Person:
        username = username or unique("user")
        user = User(username=username, email=f"{username.lower()}@example.org", **fields)
        user.set_password(password)
        user.save()
        login = sessions.start(user)
        return Person(
            user=user, password=password, access=login["access"], refresh=login["refresh"]
        )

    return make


@pytest.fixture
def make_community(db):
    """make_community("private", admin, members=[...], moderators=[...])."""

    def make(type_="private", admin=None, members=(), moderators=(), admins=()) -> Community:
        slug = unique(f"{type_}-community-")
        community = Community.objects.create(
            name=slug.replace("-", " ").title(),
            slug=slug,
            type=type_,
            created_by=admin.user if admin else None,
        )
        for role, people in (
            (Membership.ADMIN, [admin, *admins] if admin else admins),
            (Membership.MODERATOR, moderators),
            (Membership.MEMBER, members),
        ):
            for person in people:
                Membership.objects.create(community=community, user=person.user, role=role)
        return community

    return make


@pytest.fixture
def make_article(db):
    def make(*communities, submitter=None, title=None) -> Article:
        article = Article.objects.create(
            title=title or unique("Article "),
            abstract="An abstract",
            authors=["A. Author"],
            link="https://example.org/paper",
            submitter=submitter.user if submitter else None,
        )
        for community in communities:
            Placement.objects.create(article=article, community=community)
        return article

    return make


@pytest.fixture
def make_discussion(db):
    def make(
        author,
        community,
        article,
        topic="A topic",
        content="Some content",
        pseudonymous=False,
        **fields,
    ) -> Discussion:
        return Discussion.objects.create(
            author=author.user,
            community=community,
            article=article,
            topic=topic,
            content=content,
            content_html=render(content),
            is_pseudonymous=pseudonymous,
            **fields,
        )

    return make


@pytest.fixture
def make_comment(db):
    def make(
        author, discussion, parent=None, content=None, pseudonymous=False, deleted=False
    ) -> Comment:
        content = content or unique("Comment ")
        return Comment.objects.create(
            author=author.user,
            discussion=discussion,
            parent=parent,
            depth=0 if parent is None else parent.depth + 1,
            content=content,
            content_html=render(content),
            is_pseudonymous=pseudonymous,
            is_deleted=deleted,
        )

    return make


@pytest.fixture
def make_join_request(db):
    def make(community, person) -> JoinRequest:
        return JoinRequest.objects.create(community=community, user=person.user)

    return make


@pytest.fixture
def make_lab(make_user, make_community, make_article, make_discussion, make_comment):
    def make(type_="private") -> Lab:
        admin, moderator, member, author, outsider = (
            make_user(unique(name))
            for name in ("admin", "moderator", "member", "author", "outsider")
        )
        community = make_community(type_, admin, members=[member, author], moderators=[moderator])
        article = make_article(community, submitter=admin)
        discussion = make_discussion(author, community, article)
        comment = make_comment(author, discussion)
        return Lab(
            community, admin, moderator, member, author, outsider, article, discussion, comment
        )

    return make


@pytest.fixture
def lab(make_lab) -> Lab:
    """A private community (the usual case)."""
    return make_lab("private")


@pytest.fixture
def outbox(db) -> OutboxWatch:
    """Watches the outbox rows written from now on (factories write none)."""
    return OutboxWatch()


@pytest.fixture(scope="module")
def private_redis_server(tmp_path_factory):
    """A redis-server of the module's own, for tests that give the API another Redis."""
    server = RedisServer(tmp_path_factory.mktemp("private-redis")).start()
    yield server
    server.stop()


@pytest.fixture
def signal_redis(private_redis_server, monkeypatch):
    """An empty Redis of its own that every signal the API publishes goes to."""
    client = redis.Redis.from_url(private_redis_server.url)
    client.flushdb()
    monkeypatch.setattr(connection, "signals", lambda: Signals(client))
    return client
