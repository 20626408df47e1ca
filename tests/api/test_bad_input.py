"""Bad input: each request gets a clear 4xx JSON error `{message, errors?}`,
never a 500, and leaves the database exactly as it was.

Malformed path or query parameters are 400, a malformed JSON body is 400, a
body that parses but breaks the schema is 422, a body over the size limit is
413, a missing, expired or forged token is 401.
"""

import time
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from django.conf import settings

from realtime.connection import queue_registry
from realtime_core import tokens

from .support import assert_json_error, db_snapshot

NO_BODY = object()
TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
OVERFLOW_64 = 2**64
OVERFLOW_63 = 2**63  # one above the largest PostgreSQL bigint


@pytest.fixture
def scene(
    lab, make_user, make_community, make_article, make_discussion, make_comment, make_join_request
):
    """The private lab, plus what the bad requests point at."""
    chain = [lab.comment]  # lab.comment is depth 0; grow it to the deepest level allowed
    chain.append(make_comment(lab.member, lab.discussion, parent=chain[-1]))
    chain.append(make_comment(lab.member, lab.discussion, parent=chain[-1]))
    other_discussion = make_discussion(lab.member, lab.community, lab.article, topic="Other")
    deleted_discussion = make_discussion(lab.author, lab.community, lab.article, is_deleted=True)
    # Another community, administered by the lab's outsider.
    elsewhere = make_community("private", lab.outsider)
    stranger = make_user()
    elsewhere_member = make_user()
    elsewhere.memberships.create(user=elsewhere_member.user, role="member")
    return {
        "lab": lab,
        "cid": lab.community.id,
        "aid": lab.article.id,
        "did": lab.discussion.id,
        "kid": lab.comment.id,
        "member_id": lab.member.id,
        "deepest": chain[2].id,
        "deleted_kid": make_comment(lab.author, lab.discussion, deleted=True).id,
        "deleted_did": deleted_discussion.id,
        "other_kid": make_comment(lab.member, other_discussion).id,
        "loose_aid": make_article(elsewhere).id,  # not placed in the lab's community
        "elsewhere_cid": elsewhere.id,
        "elsewhere_member_id": elsewhere_member.id,
        "elsewhere_request": make_join_request(elsewhere, stranger).id,
        "stranger": stranger,
    }


@dataclass
class Case:
    name: str
    method: str
    url: str  # formatted with the scene
    status: int
    as_: str | None = "member"  # a role of the lab, or None for anonymous
    json: Any = NO_BODY  # a value, or a function of the scene
    raw: str | bytes | None = None
    content_type: str = "application/json"


DISCUSSIONS = "/api/communities/{cid}/articles/{aid}/discussions"
COMMENTS = "/api/discussions/{did}/comments"
SIGNUP_OK = {
    "username": "newperson",
    "email": "newperson@example.org",
    "password": "A-long-test-passphrase-42",
}

CASES = [
    # Malformed bodies
    Case("malformed JSON", "POST", DISCUSSIONS, 400, raw='{"topic": "x", '),
    Case("malformed JSON on signup", "POST", "/api/auth/signup", 400, as_=None, raw="{nope"),
    Case(
        "trailing comma", "PATCH", "/api/comments/{kid}", 400, as_="author", raw='{"content": "x",}'
    ),
    Case("not UTF-8", "POST", COMMENTS, 400, raw=b'{"content": "\xff\xfe"}'),
    Case("empty body", "POST", COMMENTS, 422, raw=""),
    Case("nesting too deep to parse", "POST", COMMENTS, 400, raw="[" * 100_000 + "]" * 100_000),
    Case(
        "number too long to parse",
        "POST",
        COMMENTS,
        400,
        raw='{"content": "c", "parent_id": ' + "9" * 5000 + "}",
    ),
    Case(
        "form-encoded body",
        "POST",
        COMMENTS,
        400,
        raw="content=c",
        content_type="application/x-www-form-urlencoded",
    ),
    # A body must be a JSON object: else an all-optional edit would change nothing, 200
    Case("an array for an edit", "PATCH", "/api/communities/{cid}", 422, as_="admin", raw="[]"),
    Case(
        "null for an invite", "POST", "/api/communities/{cid}/invites", 422, as_="admin", raw="null"
    ),
    Case(
        "a number for a role",
        "PATCH",
        "/api/communities/{cid}/members/{member_id}",
        422,
        as_="admin",
        raw="1",
    ),
    # PostgreSQL cannot store NUL characters: refused before any query
    Case("NUL in a comment", "POST", COMMENTS, 400, json={"content": "a\x00b"}),
    Case(
        "NUL in a login",
        "POST",
        "/api/auth/login",
        400,
        as_=None,
        json={"login": "a\x00b", "password": "x"},
    ),
    Case(
        "NUL in a username to add",
        "POST",
        "/api/communities/{cid}/members",
        400,
        as_="admin",
        json={"username": "a\x00b"},
    ),
    Case(
        "NUL in article authors",
        "POST",
        "/api/articles",
        400,
        json=lambda s: {"title": "t", "authors": ["\x00"], "community_ids": [s["cid"]]},
    ),
    Case("NUL in a slug", "GET", "/api/communities/by-slug/a%00b", 404),
    Case("lone surrogate", "POST", COMMENTS, 422, raw='{"content": "a\\ud800b"}'),
    # Not encodable as UTF-8: refused, never a 500 from the database or the renderer
    Case(
        "lone surrogate in a login",
        "POST",
        "/api/auth/login",
        422,
        as_=None,
        raw='{"login": "a\\udc00", "password": "x"}',
    ),
    Case(
        "lone surrogate in a password",
        "POST",
        "/api/auth/login",
        422,
        as_=None,
        raw='{"login": "someone", "password": "\\ud800"}',
    ),
    Case(
        "lone surrogate in a username to sign up",
        "POST",
        "/api/auth/signup",
        422,
        as_=None,
        raw='{"username": "a\\ud800", "email": "x@example.org", "password": "A-long-pass-42"}',
    ),
    Case(
        "lone surrogate in a username to add",
        "POST",
        "/api/communities/{cid}/members",
        422,
        as_="admin",
        raw='{"username": "\\ud800"}',
    ),
    Case(
        "lone surrogate in a topic",
        "POST",
        DISCUSSIONS,
        422,
        raw='{"topic": "\\ud800", "content": "c"}',
    ),
    Case("NaN parent_id", "POST", COMMENTS, 422, raw='{"content": "c", "parent_id": NaN}'),
    Case("JSON array instead of object", "POST", COMMENTS, 422, json=[{"content": "x"}]),
    Case("JSON null", "POST", COMMENTS, 422, raw="null"),
    Case("JSON string", "POST", DISCUSSIONS, 422, json="topic"),
    # Oversized
    Case(
        "body above the upload limit",
        "POST",
        DISCUSSIONS,
        413,
        json={"topic": "t", "content": "x" * TOO_BIG},
    ),
    Case(
        "anonymous body above the upload limit",
        "POST",
        "/api/auth/signup",
        413,
        as_=None,
        json={**SIGNUP_OK, "password": "x" * TOO_BIG},
    ),
    Case("topic too long", "POST", DISCUSSIONS, 422, json={"topic": "t" * 301, "content": "c"}),
    Case(
        "discussion content too long",
        "POST",
        DISCUSSIONS,
        422,
        json={"topic": "t", "content": "c" * 20_001},
    ),
    Case(
        "edited topic too long",
        "PATCH",
        "/api/discussions/{did}",
        422,
        as_="author",
        json={"topic": "t" * 301},
    ),
    Case("comment too long", "POST", COMMENTS, 422, json={"content": "c" * 20_001}),
    Case(
        "edited comment too long",
        "PATCH",
        "/api/comments/{kid}",
        422,
        as_="author",
        json={"content": "c" * 20_001},
    ),
    Case("community name too long", "POST", "/api/communities", 422, json={"name": "n" * 121}),
    Case(
        "community description too long",
        "POST",
        "/api/communities",
        422,
        json={"name": "Fine name", "description": "d" * 5001},
    ),
    Case(
        "username too long",
        "POST",
        "/api/auth/signup",
        422,
        as_=None,
        json={**SIGNUP_OK, "username": "u" * 151},
    ),
    *(
        Case(
            f"username {name!r}",
            "POST",
            "/api/auth/signup",
            422,
            as_=None,
            json={**SIGNUP_OK, "username": name},
        )
        # An address as a name would take that person's sign-in by e-mail; symbols alone
        # name nobody.
        for name in ("someone@example.org", "...", "+-+", "___")
    ),
    Case(
        "password too long",
        "POST",
        "/api/auth/signup",
        422,
        as_=None,
        json={**SIGNUP_OK, "password": "p" * 129},
    ),
    Case(
        "article title too long",
        "POST",
        "/api/articles",
        422,
        json=lambda s: {"title": "t" * 501, "community_ids": [s["cid"]]},
    ),
    Case(
        "too many article authors",
        "POST",
        "/api/articles",
        422,
        json=lambda s: {"title": "t", "authors": ["A"] * 201, "community_ids": [s["cid"]]},
    ),
    Case("empty topic", "POST", DISCUSSIONS, 422, json={"topic": "", "content": "c"}),
    Case("empty comment", "POST", COMMENTS, 422, json={"content": ""}),
    Case("blank topic", "POST", DISCUSSIONS, 422, json={"topic": "   ", "content": "c"}),
    Case("blank comment", "POST", COMMENTS, 422, json={"content": " \n\t "}),
    Case("zero-width comment", "POST", COMMENTS, 422, json={"content": "\u200b\u2060\ufeff"}),
    Case(
        "blank edit of a topic",
        "PATCH",
        "/api/discussions/{did}",
        422,
        as_="author",
        json={"topic": "\u3164 "},
    ),
    Case("blank community name", "POST", "/api/communities", 422, json={"name": "\u200b" * 3}),
    Case(
        "blank community rename",
        "PATCH",
        "/api/communities/{cid}",
        422,
        as_="admin",
        json={"name": " \u00a0 "},
    ),
    # Wrong types
    Case("topic is a number", "POST", DISCUSSIONS, 422, json={"topic": 12, "content": "c"}),
    Case("content is an object", "POST", COMMENTS, 422, json={"content": {"text": "x"}}),
    Case(
        "pseudonymous flag not a boolean",
        "POST",
        COMMENTS,
        422,
        json={"content": "c", "is_pseudonymous": "perhaps"},
    ),
    Case("parent_id a word", "POST", COMMENTS, 422, json={"content": "c", "parent_id": "one"}),
    Case("parent_id a fraction", "POST", COMMENTS, 422, json={"content": "c", "parent_id": 1.5}),
    Case(
        "community_ids not a list",
        "POST",
        "/api/articles",
        422,
        json=lambda s: {"title": "t", "community_ids": s["cid"]},
    ),
    Case(
        "no community_ids", "POST", "/api/articles", 422, json={"title": "t", "community_ids": []}
    ),
    Case(
        "link not a URL",
        "POST",
        "/api/articles",
        422,
        json=lambda s: {"title": "t", "link": "not a url", "community_ids": [s["cid"]]},
    ),
    Case(
        "unknown community type",
        "POST",
        "/api/communities",
        422,
        json={"name": "Secret club", "type": "secret"},
    ),
    Case(
        "malformed slug",
        "POST",
        "/api/communities",
        422,
        json={"name": "Fine name", "slug": "Not A Slug!"},
    ),
    Case(
        "unknown role",
        "PATCH",
        "/api/communities/{cid}/members/{lab.member.id}",
        422,
        as_="admin",
        json={"role": "owner"},
    ),
    Case(
        "malformed email",
        "POST",
        "/api/auth/signup",
        422,
        as_=None,
        json={**SIGNUP_OK, "email": "not-an-email"},
    ),
    Case(
        "malformed username",
        "POST",
        "/api/auth/signup",
        422,
        as_=None,
        json={**SIGNUP_OK, "username": "has spaces"},
    ),
    Case(
        "weak password",
        "POST",
        "/api/auth/signup",
        422,
        as_=None,
        json={**SIGNUP_OK, "password": "12345678"},
    ),
    Case(
        "login is a number",
        "POST",
        "/api/auth/login",
        422,
        as_=None,
        json={"login": 42, "password": "x"},
    ),
    Case("mine is not a boolean", "GET", "/api/communities?mine=perhaps", 400),
    Case("limit is a word", "GET", DISCUSSIONS + "?limit=many", 400),
    Case("limit is zero", "GET", DISCUSSIONS + "?limit=0", 400),
    Case("negative offset", "GET", DISCUSSIONS + "?offset=-1", 400),
    Case("offset overflows 64 bits", "GET", DISCUSSIONS + f"?offset={OVERFLOW_64}", 400),
    Case(
        "offset above bigint",
        "GET",
        "/api/communities/{cid}/articles" + f"?offset={OVERFLOW_63}",
        400,
    ),
    Case("limit overflows 64 bits", "GET", DISCUSSIONS + f"?limit={OVERFLOW_64}", 400),
    # Missing fields
    Case("discussion without topic", "POST", DISCUSSIONS, 422, json={"content": "c"}),
    Case("comment without content", "POST", COMMENTS, 422, json={"parent_id": None}),
    Case(
        "edit with nothing to change", "PATCH", "/api/discussions/{did}", 422, as_="author", json={}
    ),
    Case(
        "signup without password",
        "POST",
        "/api/auth/signup",
        422,
        as_=None,
        json={"username": "newperson", "email": "newperson@example.org"},
    ),
    Case(
        "login without password",
        "POST",
        "/api/auth/login",
        422,
        as_=None,
        json={"login": "someone"},
    ),
    Case("refresh without token", "POST", "/api/auth/refresh", 422, as_=None, json={}),
    Case(
        "add member without username",
        "POST",
        "/api/communities/{cid}/members",
        422,
        as_="admin",
        json={"role": "member"},
    ),
    Case("heartbeat without queue", "POST", "/api/realtime/heartbeat", 400),
    # Unknown ids
    Case("unknown discussion", "GET", "/api/discussions/987654321", 404),
    Case("unknown comment", "PATCH", "/api/comments/987654321", 404, json={"content": "x"}),
    Case("unknown community", "GET", "/api/communities/987654321", 404),
    Case("unknown slug", "GET", "/api/communities/by-slug/no-such-community", 404),
    Case("unknown article", "GET", "/api/articles/987654321", 404),
    Case(
        "discussion in an unknown community",
        "POST",
        "/api/communities/987654321/articles/{aid}/discussions",
        404,
        json={"topic": "t", "content": "c"},
    ),
    Case(
        "discussion on an unknown article",
        "POST",
        "/api/communities/{cid}/articles/987654321/discussions",
        404,
        json={"topic": "t", "content": "c"},
    ),
    Case(
        "discussion on an article not in the community",
        "POST",
        "/api/communities/{cid}/articles/{loose_aid}/discussions",
        404,
        json={"topic": "t", "content": "c"},
    ),
    Case("unknown parent", "POST", COMMENTS, 422, json={"content": "c", "parent_id": 987654321}),
    Case(
        "article for an unknown community",
        "POST",
        "/api/articles",
        404,
        json={"title": "t", "community_ids": [987654321]},
    ),
    Case(
        "unknown join request",
        "POST",
        "/api/communities/{cid}/requests/987654321/approve",
        404,
        as_="admin",
    ),
    Case(
        "role of an unknown user",
        "PATCH",
        "/api/communities/{cid}/members/987654321",
        404,
        as_="admin",
        json={"role": "moderator"},
    ),
    Case(
        "add an unknown username",
        "POST",
        "/api/communities/{cid}/members",
        404,
        as_="admin",
        json={"username": "nobody-by-that-name"},
    ),
    Case(
        "remove a non-member",
        "DELETE",
        "/api/communities/{cid}/members/{stranger.id}",
        404,
        as_="admin",
    ),
    Case("unknown queue", "POST", "/api/realtime/heartbeat?queue_id=AAAAAAAAAAAAAAAAAAAAAA", 404),
    # Ids that overflow 64 bits, negative, zero or not numbers
    Case("discussion id overflows 64 bits", "GET", f"/api/discussions/{OVERFLOW_64}", 400),
    Case(
        "discussion id above bigint", "DELETE", f"/api/discussions/{OVERFLOW_63}", 400, as_="admin"
    ),
    Case("huge comment id", "DELETE", f"/api/comments/{10**30}", 400),
    Case("community id overflows", "GET", f"/api/communities/{OVERFLOW_64}/members", 400),
    Case(
        "member id overflows",
        "DELETE",
        "/api/communities/{cid}/members/" + str(OVERFLOW_64),
        400,
        as_="admin",
    ),
    Case(
        "request id overflows",
        "POST",
        "/api/communities/{cid}/requests/" + str(OVERFLOW_63) + "/reject",
        400,
        as_="admin",
    ),
    Case("article id overflows", "GET", f"/api/articles/{OVERFLOW_64}/pseudonym", 400),
    Case("negative discussion id", "GET", "/api/discussions/-1", 400),
    Case("negative comment id", "PATCH", "/api/comments/-7", 400, json={"content": "x"}),
    Case("zero community id", "POST", "/api/communities/0/join", 400),
    Case("id not a number", "GET", "/api/discussions/abc/comments", 400),
    Case("id a fraction", "GET", "/api/articles/1.5", 400),
    Case(
        "parent_id overflows 64 bits",
        "POST",
        COMMENTS,
        422,
        json={"content": "c", "parent_id": OVERFLOW_64},
    ),
    Case("negative parent_id", "POST", COMMENTS, 422, json={"content": "c", "parent_id": -5}),
    Case(
        "community id in body overflows",
        "POST",
        "/api/articles",
        422,
        json={"title": "t", "community_ids": [OVERFLOW_63]},
    ),
    # Other users' objects
    Case(
        "edit someone else's discussion",
        "PATCH",
        "/api/discussions/{did}",
        403,
        json={"topic": "Mine now"},
    ),
    Case(
        "edit someone else's comment",
        "PATCH",
        "/api/comments/{kid}",
        403,
        as_="admin",
        json={"content": "Mine now"},
    ),
    Case("delete someone else's comment", "DELETE", "/api/comments/{kid}", 403),
    Case("resolve someone else's discussion", "POST", "/api/discussions/{did}/resolve", 403),
    Case(
        "remove a member of another community",
        "DELETE",
        "/api/communities/{cid}/members/{elsewhere_member_id}",
        404,
        as_="admin",
    ),
    Case(
        "approve another community's request",
        "POST",
        "/api/communities/{cid}/requests/{elsewhere_request}/approve",
        404,
        as_="admin",
    ),
    Case(
        "moderate another community's members",
        "DELETE",
        "/api/communities/{elsewhere_cid}/members/{elsewhere_member_id}",
        403,
        as_="admin",
    ),
    # Threading rules
    Case(
        "parent_id from another discussion",
        "POST",
        COMMENTS,
        422,
        json=lambda s: {"content": "c", "parent_id": s["other_kid"]},
    ),
    Case(
        "reply deeper than 3 levels",
        "POST",
        COMMENTS,
        422,
        json=lambda s: {"content": "c", "parent_id": s["deepest"]},
    ),
    Case(
        "reply to a deleted comment",
        "POST",
        COMMENTS,
        409,
        json=lambda s: {"content": "c", "parent_id": s["deleted_kid"]},
    ),
    Case(
        "edit a deleted comment",
        "PATCH",
        "/api/comments/{deleted_kid}",
        404,
        as_="author",
        json={"content": "Back"},
    ),
    Case("delete a deleted comment", "DELETE", "/api/comments/{deleted_kid}", 404, as_="author"),
    Case(
        "comment on a deleted discussion",
        "POST",
        "/api/discussions/{deleted_did}/comments",
        404,
        json={"content": "c"},
    ),
    Case(
        "edit a deleted discussion",
        "PATCH",
        "/api/discussions/{deleted_did}",
        404,
        as_="author",
        json={"topic": "Back"},
    ),
    # Conflicts
    Case("join twice", "POST", "/api/communities/{cid}/join", 409),
    Case(
        "add an existing member",
        "POST",
        "/api/communities/{cid}/members",
        409,
        as_="admin",
        json=lambda s: {"username": s["lab"].member.username},
    ),
    Case(
        "taken username",
        "POST",
        "/api/auth/signup",
        409,
        as_=None,
        json=lambda s: {**SIGNUP_OK, "username": s["lab"].member.username.upper()},
    ),
    Case(
        "taken email",
        "POST",
        "/api/auth/signup",
        409,
        as_=None,
        json=lambda s: {**SIGNUP_OK, "email": s["lab"].member.user.email.upper()},
    ),
    Case(
        "taken slug",
        "POST",
        "/api/communities",
        409,
        json=lambda s: {"name": "Copycat", "slug": s["lab"].community.slug},
    ),
    Case("place an article twice", "POST", "/api/communities/{cid}/articles/{aid}", 409),
    Case(
        "wrong password",
        "POST",
        "/api/auth/login",
        401,
        as_=None,
        json=lambda s: {"login": s["lab"].member.username, "password": "wrong-password"},
    ),
    Case(
        "unknown login",
        "POST",
        "/api/auth/login",
        401,
        as_=None,
        json={"login": "nobody@example.org", "password": "whatever-it-is"},
    ),
]


def _format(template: str, scene: dict) -> str:
    return template.format(**scene)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_is_a_clear_error_and_changes_nothing(api, scene, case):
    lab = scene["lab"]
    actor = getattr(lab, case.as_) if case.as_ else None
    body = case.json(scene) if callable(case.json) else case.json
    before = db_snapshot()

    response = _send(api, case, scene, actor, body)

    assert_json_error(response, case.status)
    assert db_snapshot() == before


def _send(api, case, scene, actor, body):
    url = _format(case.url, scene)
    if body is not NO_BODY:
        return api.request(case.method, url, as_=actor, json=body, content_type=case.content_type)
    return api.request(case.method, url, as_=actor, body=case.raw, content_type=case.content_type)


def test_a_method_a_path_does_not_take_is_a_json_405_naming_the_ones_it_does(api, lab):
    for method, path in (
        ("GET", f"/api/comments/{lab.comment.id}"),
        ("PUT", f"/api/discussions/{lab.discussion.id}/comments"),
        ("POST", "/api/health"),
    ):
        response = api.request(method, path, lab.member)
        assert_json_error(response, 405)
        assert method not in response["Allow"] and response["Allow"]


def test_validation_errors_say_which_field(api, lab):
    response = api.post(
        f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions",
        {"topic": "t" * 301},
        as_=lab.member,
    )
    body = assert_json_error(response, 422)
    locations = {tuple(error["loc"][-1:]) for error in body["errors"]}
    assert locations == {("topic",), ("content",)}
    assert all(error["msg"] for error in body["errors"])


def test_heartbeat_on_another_users_queue_is_not_found(api, lab):
    queue_id = queue_registry().create(lab.admin.id, [])
    response = api.post(f"/api/realtime/heartbeat?queue_id={queue_id}", as_=lab.member)
    assert_json_error(response, 404)
    owner_heartbeat = api.post(f"/api/realtime/heartbeat?queue_id={queue_id}", as_=lab.admin)
    assert owner_heartbeat.status_code == 200


# --- Tokens -----------------------------------------------------------------------------------


def _claims(person, kind=tokens.ACCESS, **overrides):
    now = int(time.time())
    return {"sub": str(person.id), "type": kind, "iat": now, "exp": now + 600, **overrides}


def _expired_by_ttl(person, monkeypatch):
    monkeypatch.setenv("JWT_ACCESS_TTL", "-60")  # issued already expired, by the real issuer
    return tokens.issue(person.id, tokens.ACCESS)


FORGED_TOKENS = {
    "expired (issued with a negative TTL)": _expired_by_ttl,
    "expired (exp in the past)": lambda p, mp: jwt.encode(
        _claims(p, exp=int(time.time()) - 5), tokens.secret(), algorithm="HS256"
    ),
    "wrong signature": lambda p, mp: jwt.encode(
        _claims(p), "not-the-server-secret-but-long-enough-for-hs256", algorithm="HS256"
    ),
    "alg none": lambda p, mp: jwt.encode(_claims(p), None, algorithm="none"),
    "other algorithm, same secret": lambda p, mp: jwt.encode(
        _claims(p), tokens.secret(), algorithm="HS512"
    ),
    "refresh token used as access": lambda p, mp: p.refresh,
    "payload swapped": lambda p, mp: _swap_payload(p),
    "no expiry": lambda p, mp: jwt.encode(
        {"sub": str(p.id), "type": "access"}, tokens.secret(), algorithm="HS256"
    ),
    "no type": lambda p, mp: jwt.encode(
        {"sub": str(p.id), "exp": int(time.time()) + 600}, tokens.secret(), algorithm="HS256"
    ),
    "subject not a number": lambda p, mp: jwt.encode(
        _claims(p, sub="admin"), tokens.secret(), algorithm="HS256"
    ),
    "subject overflows 64 bits": lambda p, mp: jwt.encode(
        _claims(p, sub=str(2**64)), tokens.secret(), algorithm="HS256"
    ),
    "subject of no user": lambda p, mp: jwt.encode(
        _claims(p, sub="987654321"), tokens.secret(), algorithm="HS256"
    ),
    "not a JWT": lambda p, mp: "definitely-not-a-jwt",
    "truncated": lambda p, mp: p.access[:-5],
}


def _swap_payload(person):
    """A real signature over someone else's claims."""
    header, _payload, signature = person.access.split(".")
    other = jwt.encode(_claims(person, sub="1"), "x" * 32, algorithm="HS256").split(".")[1]
    return f"{header}.{other}.{signature}"


def _token_requests(lab):
    """A members-only read, an optional-auth read, and a write."""
    return [
        ("GET", "/api/auth/me", NO_BODY),
        ("GET", f"/api/discussions/{lab.discussion.id}", NO_BODY),
        ("GET", "/api/communities", NO_BODY),
        ("POST", f"/api/discussions/{lab.discussion.id}/comments", {"content": "Sneaky"}),
        ("DELETE", f"/api/comments/{lab.comment.id}", NO_BODY),
    ]


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("forge", FORGED_TOKENS.values(), ids=FORGED_TOKENS.keys())
def test_bad_tokens_are_401_everywhere(api, lab, forge, monkeypatch):
    token = forge(lab.author, monkeypatch)
    headers = {"Authorization": f"Bearer {token}"}
    before = db_snapshot()
    for method, url, body in _token_requests(lab):
        if body is NO_BODY:
            response = api.request(method, url, headers=headers)
        else:
            response = api.request(method, url, json=body, headers=headers)
        assert_json_error(response, 401)
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "bearer-without-space",
    ],
)
def test_malformed_authorization_headers_are_401(api, lab, header):
    before = db_snapshot()
    for method, url, body in _token_requests(lab):
        kwargs = {} if body is NO_BODY else {"json": body}
        response = api.request(method, url, headers={"Authorization": header}, **kwargs)
        assert_json_error(response, 401)
    assert db_snapshot() == before


def test_token_of_a_deactivated_user_is_401(api, lab):
    lab.author.user.is_active = False
    lab.author.user.save()
    assert_json_error(api.get("/api/auth/me", as_=lab.author), 401)
    assert_json_error(api.post("/api/auth/refresh", {"refresh": lab.author.refresh}), 401)


@pytest.mark.parametrize(
    "token",
    [
        "access token",
        "expired refresh token",
        "forged refresh token",
        "garbage",
    ],
)
def test_refresh_accepts_only_a_valid_refresh_token(api, lab, token, monkeypatch):
    if token == "access token":
        value = lab.member.access
    elif token == "expired refresh token":
        monkeypatch.setenv("JWT_REFRESH_TTL", "-60")
        value = tokens.issue(lab.member.id, tokens.REFRESH)
    elif token == "forged refresh token":
        value = jwt.encode(_claims(lab.member, tokens.REFRESH), "x" * 32, algorithm="HS256")
    else:
        value = "garbage"
    before = db_snapshot()
    assert_json_error(api.post("/api/auth/refresh", {"refresh": value}), 401)
    assert db_snapshot() == before


def test_api_answers_are_never_stored_by_a_cache(api, lab):
    signed_in = api.post(
        "/api/auth/login", {"login": lab.member.username, "password": lab.member.password}
    )
    for response in (
        signed_in,
        api.get("/api/auth/me", as_=lab.member),
        api.get(f"/api/discussions/{lab.discussion.id}", as_=lab.member),
        api.get("/api/no-such-thing"),
    ):
        assert response["Cache-Control"] == "no-store", response
