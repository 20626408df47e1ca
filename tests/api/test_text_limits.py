"""Every user-written field is bounded in UTF-8 bytes as well as in characters:
multibyte text (emoji, four bytes each) within the character limit but over the
byte limit is a 422 naming the field and the limit; text exactly at the byte
limit is taken."""

import json
from dataclasses import dataclass, field

import pytest

from communities.models import Membership
from realtime_core.events import MAX_BODY_BYTES

from .support import PASSWORD, assert_json_error, unique

EMOJI = "\N{GRINNING FACE}"  # 4 bytes in UTF-8, one character
HAN = "\N{CJK UNIFIED IDEOGRAPH-5B57}"  # 3 bytes, a word character (usernames allow those)


@dataclass
class Field:
    method: str
    path: str  # formatted with the lab
    name: str
    max_chars: int
    max_bytes: int
    as_: str | None = "member"  # who sends it, a role of the lab
    body: dict = field(default_factory=dict)  # the rest of a valid body
    letter: str = EMOJI
    taken: int = 200  # the status when the value is within the limits

    def value(self, size_in_bytes: int) -> str:
        letter_bytes = len(self.letter.encode())
        text = self.letter * (size_in_bytes // letter_bytes)
        return text + "a" * (size_in_bytes - len(text.encode()))


def _signup_body():
    name = unique("writer")
    return {"username": name, "email": f"{name}@example.org", "password": PASSWORD}


FIELDS = [
    Field("POST", "/api/auth/signup", "username", 150, 300, as_=None, letter=HAN, taken=201),
    Field(
        "POST", "/api/auth/login", "login", 254, 320, as_=None, body={"password": "x"}, taken=401
    ),
    Field("POST", "/api/communities", "name", 120, 240, taken=201),
    Field(
        "POST",
        "/api/communities",
        "description",
        5000,
        10_000,
        body={"name": "A circle"},
        taken=201,
    ),
    Field(
        "POST",
        "/api/communities/{lab.community.id}/members",
        "username",
        254,
        320,
        as_="admin",
        taken=404,
    ),
    Field("PATCH", "/api/communities/{lab.community.id}", "name", 120, 240, as_="admin"),
    Field("PATCH", "/api/communities/{lab.community.id}", "description", 5000, 10_000, as_="admin"),
    Field("POST", "/api/articles", "title", 500, 1000, taken=201),
    Field("POST", "/api/articles", "abstract", 20_000, 32_768, body={"title": "T"}, taken=201),
    Field(
        "POST",
        "/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions",
        "topic",
        300,
        600,
        body={"content": "c"},
        taken=201,
    ),
    Field(
        "POST",
        "/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions",
        "content",
        20_000,
        32_768,
        body={"topic": "t"},
        taken=201,
    ),
    Field("PATCH", "/api/discussions/{lab.discussion.id}", "topic", 300, 600, as_="author"),
    Field("PATCH", "/api/discussions/{lab.discussion.id}", "content", 20_000, 32_768, as_="author"),
    Field(
        "POST",
        "/api/discussions/{lab.discussion.id}/comments",
        "content",
        20_000,
        32_768,
        taken=201,
    ),
    Field("PATCH", "/api/comments/{lab.comment.id}", "content", 20_000, 32_768, as_="author"),
]


def _send(api, lab, spec: Field, value: str):
    body = {**spec.body, spec.name: value}
    if spec.path == "/api/auth/signup":
        body = {**_signup_body(), spec.name: value}
    if spec.path == "/api/articles":
        body = {"title": "T", "community_ids": [lab.community.id], **body}
    person = getattr(lab, spec.as_) if spec.as_ else None
    return api.request(spec.method, spec.path.format(lab=lab), person, json=body)


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: f"{s.method} {s.path} {s.name}")
def test_multibyte_text_over_the_byte_limit_is_refused(api, lab, spec):
    value = spec.value(spec.max_bytes + 1)
    assert len(value) <= spec.max_chars  # within the character limit: only bytes refuse it
    body = assert_json_error(_send(api, lab, spec, value), 422)
    [error] = body["errors"]
    assert error["loc"][-1] == spec.name
    assert f"at most {spec.max_bytes} bytes" in error["msg"], error


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: f"{s.method} {s.path} {s.name}")
def test_text_exactly_at_the_byte_limit_is_taken(api, lab, spec):
    response = _send(api, lab, spec, spec.value(spec.max_bytes))
    assert response.status_code == spec.taken, response.content[:300]


def test_each_author_of_an_article_is_bounded(api, lab):
    body = {
        "title": "T",
        "community_ids": [lab.community.id],
        "authors": ["A. Author", EMOJI * 101],
    }  # 101 characters, 404 bytes
    refused = assert_json_error(api.post("/api/articles", body, as_=lab.member), 422)
    assert refused["errors"][0]["loc"][-2:] == ["authors", "1"]
    assert "at most 400 bytes" in refused["errors"][0]["msg"]


def test_an_article_link_fits_its_column(api, lab):
    body = {
        "title": "T",
        "community_ids": [lab.community.id],
        "link": "https://example.org/" + "a" * 1990,
    }  # 2010 bytes, a valid URL
    refused = assert_json_error(api.post("/api/articles", body, as_=lab.member), 422)
    assert "at most 2000 bytes" in refused["errors"][0]["msg"]


def test_the_largest_valid_events_fit_the_event_log_whole(api, make_user, make_lab, outbox):
    """Every field at its byte limit in emoji (the author's name too): the events
    stay under MAX_BODY_BYTES, so valid input never reaches clients truncated."""
    lab = make_lab("private")
    writer = make_user(HAN * 100)  # 300 bytes, the longest username
    Membership.objects.create(community=lab.community, user=writer.user, role=Membership.MEMBER)
    discussion = api.post(
        f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions",
        {"topic": EMOJI * 150, "content": EMOJI * 8192},
        as_=writer,
    )
    assert discussion.status_code == 201, discussion.content[:300]
    comment = api.post(
        f"/api/discussions/{discussion.json()['id']}/comments",
        {"content": EMOJI * 8192},
        as_=writer,
    )
    assert comment.status_code == 201, comment.content[:300]

    rows = outbox.rows()  # the factories above write none
    assert [json.loads(row.meta)["type"] for row in rows] == ["new_discussion", "new_comment"]
    for row in rows:
        size = len(row.body.encode())
        assert 32 * 1024 < size <= MAX_BODY_BYTES, size
        assert "truncated" not in json.loads(row.body)["data"]
