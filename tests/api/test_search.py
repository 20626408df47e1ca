"""GET /api/search: what matches, in which order, for whom, and that no input breaks it.

The same tests run on PostgreSQL (when DATABASE_URL names one, as bin/test does) and
on SQLite: test_search_sqlite.py runs this file again on a SQLite database.
"""

import os
import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from discussions.models import Comment, Placement
from discussions.pseudonyms import pseudonym
from search import query
from search.api import SEARCHES_PER_IP, SEARCHES_PER_USER

from .support import Api, assert_json_error


def search(api, query: str = "", as_=None, **params):
    """The answer's JSON (asserting a 200); `query` is sent as q."""
    response = api.get(_url(query, **params), as_=as_)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _url(query: str, **params) -> str:
    return "/api/search?" + "&".join(
        f"{name}={quote(str(value), safe='')}" for name, value in {"q": query, **params}.items()
    )


def found(api, query: str, as_=None, **params) -> list[tuple[str, int]]:
    return [(item["kind"], item["id"]) for item in search(api, query, as_, **params)["items"]]


def test_finds_articles_discussions_and_comments_with_what_a_result_shows(
    api, lab, make_discussion, make_comment
):
    lab.article.title = "Wombat burrows"
    lab.article.abstract = "How the wombat digs."
    lab.article.save()
    discussion = make_discussion(
        lab.author,
        lab.community,
        lab.article,
        topic="Wombat teeth",
        content="Teeth of a **wombat** grow all its life.",
    )
    comment = make_comment(lab.member, discussion, content="Wombat $x^2$ tunnels")

    items = search(api, "wombat", as_=lab.member)["items"]

    assert {(item["kind"], item["id"]) for item in items} == {
        ("article", lab.article.id),
        ("discussion", discussion.id),
        ("comment", comment.id),
    }
    by_kind = {item["kind"]: item for item in items}
    slug = lab.community.slug
    assert by_kind["article"] == {
        "kind": "article",
        "id": lab.article.id,
        "community_id": lab.community.id,
        "article_id": lab.article.id,
        "discussion_id": None,
        "title": "Wombat burrows",
        "snippet_html": by_kind["article"]["snippet_html"],
        "author": {"id": lab.admin.id, "username": lab.admin.username},
        "created_at": by_kind["article"]["created_at"],
        "url": f"/c/{slug}/a/{lab.article.id}/",
    }
    assert by_kind["discussion"]["title"] == "Wombat teeth"
    assert by_kind["discussion"]["url"] == (
        f"/c/{slug}/a/{lab.article.id}/#discussion-{discussion.id}"
    )
    assert by_kind["comment"]["title"] == "Wombat teeth"
    assert by_kind["comment"]["discussion_id"] == discussion.id
    assert by_kind["comment"]["author"] == {"id": lab.member.id, "username": lab.member.username}
    assert by_kind["comment"]["url"] == f"/c/{slug}/a/{lab.article.id}/#comment-{comment.id}"
    # Source text is searched: the Markdown and TeX as written.
    assert "<mark>Wombat</mark>" in by_kind["comment"]["snippet_html"]
    assert "x^2" in by_kind["comment"]["snippet_html"]
    assert found(api, "x^2 tunnels", as_=lab.member) == [("comment", comment.id)]


def test_the_exact_phrase_ranks_first(api, lab, make_comment):
    scattered = make_comment(
        lab.author, lab.discussion, content="Entanglement is hard. Quantum computers are harder."
    )
    phrase = make_comment(
        lab.author,
        lab.discussion,
        content="Notes on quantum entanglement in practice, with many more "
        "words around it than the other comment has at all.",
    )
    make_comment(lab.author, lab.discussion, content="Quantum only")

    assert found(api, "quantum entanglement", as_=lab.member) == [
        ("comment", phrase.id),
        ("comment", scattered.id),
    ]
    assert found(api, '"quantum entanglement"', as_=lab.member) == [("comment", phrase.id)]


def test_query_syntax_phrases_exclusions_and_or(api, lab, make_comment):
    cats = make_comment(lab.author, lab.discussion, content="cats and mice")
    dogs = make_comment(lab.author, lab.discussion, content="dogs and mice")
    make_comment(lab.author, lab.discussion, content="birds alone")

    assert set(found(api, "mice -dogs", as_=lab.member)) == {("comment", cats.id)}
    assert set(found(api, "cats or dogs", as_=lab.member)) == {
        ("comment", cats.id),
        ("comment", dogs.id),
    }
    assert found(api, '"mice and cats"', as_=lab.member) == []
    assert found(api, "-mice", as_=lab.member) == []  # exclusions alone match nothing


def test_snippets_are_escaped_then_highlighted(api, lab, make_comment):
    hostile = (
        '<script>alert(1)</script> <img src=x onerror=alert(2)> "quoted" & '
        "\x02needle\x03 <mark>fake</mark> needle"
    )
    make_comment(lab.author, lab.discussion, content=hostile)

    (item,) = search(api, "needle", as_=lab.member)["items"]

    snippet = item["snippet_html"]
    assert "<mark>needle</mark>" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") >= 1
    # Nothing else is markup: without our marks no tag or character reference remains
    # unescaped.
    assert "<" not in re.sub(r"</?mark>", "", snippet)
    assert "\x02" not in snippet and "\x03" not in snippet


def test_private_communities_only_for_their_members_now(api, lab, make_lab, make_comment):
    public = make_lab("public")
    secret = make_comment(lab.author, lab.discussion, content="zanzibar private")
    open_ = make_comment(public.author, public.discussion, content="zanzibar public")

    assert set(found(api, "zanzibar", as_=lab.member)) == {
        ("comment", secret.id),
        ("comment", open_.id),
    }
    assert found(api, "zanzibar", as_=lab.outsider) == [("comment", open_.id)]
    assert found(api, "zanzibar") == [("comment", open_.id)]  # anonymous
    assert found(api, "zanzibar", as_=lab.outsider, community_id=lab.community.id) == []

    assert api.post(f"/api/communities/{lab.community.id}/leave", as_=lab.member).status_code == 204
    assert found(api, "zanzibar", as_=lab.member) == [("comment", open_.id)]


def test_an_article_in_several_readable_communities_is_one_result_each(api, lab, make_community):
    other = make_community("public")
    hidden = make_community("private")
    for community in (other, hidden):
        Placement.objects.create(article=lab.article, community=community)
    lab.article.title = "Platypus venom"
    lab.article.save()

    items = search(api, "platypus", as_=lab.member)["items"]

    assert sorted(item["community_id"] for item in items) == sorted([lab.community.id, other.id])
    assert {item["url"] for item in items} == {
        f"/c/{c.slug}/a/{lab.article.id}/" for c in (lab.community, other)
    }


def test_pseudonymous_posts_show_the_pseudonym_and_never_match_their_author(api, lab, make_comment):
    hidden = make_comment(
        lab.author, lab.discussion, content="okapi pseudonymous", pseudonymous=True
    )
    named = make_comment(lab.author, lab.discussion, content="okapi named")

    items = {item["id"]: item for item in search(api, "okapi", as_=lab.member)["items"]}
    assert items[hidden.id]["author"] == {
        "id": None,
        "username": pseudonym(lab.article.id, lab.author.id),
    }
    assert found(api, "okapi", as_=lab.member, author=lab.author.username.upper()) == [
        ("comment", named.id)
    ]
    assert found(api, "okapi", as_=lab.author, author=lab.author.username) == [
        ("comment", named.id)
    ]


def test_edits_and_deletions_are_searchable_at_once(api, lab, make_comment):
    comment = make_comment(lab.author, lab.discussion, content="narwhal tusk")

    assert (
        api.patch(
            f"/api/comments/{comment.id}", {"content": "beluga song"}, as_=lab.author
        ).status_code
        == 200
    )
    assert found(api, "narwhal", as_=lab.member) == []
    assert found(api, "beluga", as_=lab.member) == [("comment", comment.id)]

    assert api.delete(f"/api/comments/{comment.id}", as_=lab.author).status_code == 204
    assert found(api, "beluga", as_=lab.member) == []

    kept = make_comment(lab.author, lab.discussion, content="manatee")
    assert api.delete(f"/api/discussions/{lab.discussion.id}", as_=lab.author).status_code == 204
    assert found(api, "manatee", as_=lab.member) == []
    assert Comment.objects.get(pk=kept.pk).is_deleted is False


def test_filters(api, lab, make_lab, make_discussion, make_comment):
    other = make_lab("public")
    discussion = make_discussion(
        lab.member, lab.community, lab.article, topic="Ibex", content="ibex horns"
    )
    mine = make_comment(lab.member, discussion, content="ibex climbing")
    theirs = make_comment(other.author, other.discussion, content="ibex elsewhere")
    Comment.objects.filter(pk=theirs.pk).update(created_at=timezone.now() - timedelta(days=3))
    today = timezone.now().date()

    assert found(api, "ibex", as_=lab.member, kind="comment", community_id=lab.community.id) == [
        ("comment", mine.id)
    ]
    assert found(api, "ibex", as_=lab.member, article_id=other.article.id) == [
        ("comment", theirs.id)
    ]
    assert set(found(api, "ibex", as_=lab.member, author=lab.member.username)) == {
        ("discussion", discussion.id),
        ("comment", mine.id),
    }
    assert found(api, "ibex", as_=lab.member, author="nobody-has-this-name") == []
    assert found(api, "ibex", as_=lab.member, until=today - timedelta(days=1)) == [
        ("comment", theirs.id)
    ]
    assert ("comment", theirs.id) not in found(api, "ibex", as_=lab.member, since=today)
    assert len(found(api, "ibex", as_=lab.member, since=today, until=today)) == 2


def test_pages_follow_each_other_without_repeating_or_skipping(api, lab, make_comment):
    comments = [
        make_comment(lab.author, lab.discussion, content=f"lemur {'lemur ' * (i % 3)}")
        for i in range(7)
    ]
    seen, after, pages = [], None, 0
    while True:
        paging = {"after": after} if after else {}
        answer = search(api, "lemur", as_=lab.member, limit=3, **paging)
        seen += [item["id"] for item in answer["items"]]
        pages += 1
        after = answer["next_after"]
        if after is None:
            break
        if connection.vendor == "postgresql":
            # Written meanwhile, ranked above every page: never pushes an item onto the
            # next. (SQLite's bm25 weighs a word by how many texts hold it, so there a
            # new text moves every rank: its pages hold while the texts do.)
            make_comment(lab.author, lab.discussion, content="lemur " * 9)
    assert pages == 3
    assert sorted(seen) == sorted(c.id for c in comments)

    first = search(api, "lemur", as_=lab.member, limit=1)["next_after"]
    for forged in (first[:-2] + "xx", "garbage", "a:b:c", first + "0"):
        assert_json_error(api.get(_url("lemur", after=forged), as_=lab.member), 400)
    assert_json_error(api.get(_url("other", after=first), as_=lab.member), 400)


def test_a_bad_token_is_refused(api, lab):
    response = api.get(_url("anything"), headers={"Authorization": "Bearer not-a-token"})
    assert_json_error(response, 401)


HOSTILE = [
    "\x00",
    "a\x00b",
    "needle\x00",
    "\x01\x02\x03\x1f\x7f",
    '-"" or or - "',
    "(((",
    ")))",
    "*",
    ":*",
    "needle:*",
    "&|!",
    "!!needle",
    "a & b | !c <-> d",
    '"',
    '"needle',
    'needle"',
    '""""""',
    "- - -",
    "or",
    "OR or OR",
    "-needle or",
    "NEAR(a b)",
    "a NOT b",
    "col:needle",
    "^needle",
    "needle*",
    "'",
    "\\",
    "%",
    "_",
    "\U0001f600\U0001f680",
    "\u200b\u200d\ufeff",
    "".join(chr(plane * 0x10000 + 0x41) for plane in range(17)),
    "\ufffd\uffff\U0010ffff",
    "e\u0301\u0308",
    "Ḁ" * 500,
    "needle " * 70,
    # Runs of operators with no word between them: PostgreSQL's parser overflows
    # ("tsquery stack too small") on them as typed.
    "-" * 33,
    "needle " + "-" * 40,
    "- " * 60,
    "!- " * 60,
    "needle" + "-!" * 100,
    "needle " + "- needle " * 50,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_are_answered_never_failed(api, lab, text):
    response = api.get(_url(text), as_=lab.member)
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        assert set(response.json()) == {"items", "next_after"}
    else:
        assert_json_error(response, 400)


@pytest.mark.parametrize(
    "query_string, fragment",
    [
        ("", "q"),
        ("q=", "Type"),
        ("q=%20%09%0A", "Type"),
        ("q=%00%01", "Type"),
        ("q=" + "a" * 501, "500"),
        ("q=" + "ab%20" * 2500, "500"),
        ("q=x&since=2024-13-01", ""),
        ("q=x&until=yesterday", ""),
        ("q=x&kind=user", ""),
        ("q=x&limit=0", ""),
        ("q=x&limit=51", ""),
        ("q=x&community_id=0", ""),
        ("q=x&article_id=99999999999999999999999", ""),
        ("q=x&author=" + "a" * 151, ""),
    ],
)
def test_bad_parameters_are_400(api, lab, query_string, fragment):
    body = assert_json_error(api.get("/api/search?" + query_string, as_=lab.member), 400)
    assert fragment in body["message"] + str(body.get("errors", ""))


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%C0%80", "%F4%90%80%80", "%"])
def test_undecodable_bytes_never_fail(api, lab, raw):
    response = api.get(f"/api/search?q=needle{raw}&author=x{raw}", as_=lab.member)
    assert response.status_code in (200, 400), response.content[:300]


def test_author_names_that_name_no_one(api, lab):
    for author in ("a\x00b", "a b", "\U0001f600", "%"):
        assert search(api, "needle", as_=lab.member, author=author)["items"] == []


def test_searches_are_limited_per_user_and_per_address(settings, api, lab):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "searches_per_user": "3/minute",
        "searches_per_ip": "2/minute",
    }
    SEARCHES_PER_USER.clear(f"user:{lab.member.id}")
    for _ in range(3):
        search(api, "x", as_=lab.member)
    refused = api.get(_url("x"), as_=lab.member)
    assert_json_error(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60

    anonymous = Api()
    anonymous.client.defaults["REMOTE_ADDR"] = "203.0.113.77"
    SEARCHES_PER_IP.clear("ip:203.0.113.77")
    for _ in range(2):
        search(anonymous, "x")
    assert_json_error(anonymous.get(_url("x")), 429)


def test_the_calendar_edges_bound_nothing(api, lab):
    assert search(api, "topic", as_=lab.member, since="0001-01-01", until="9999-12-31")["items"]
    assert search(api, "topic", as_=lab.member, since="9999-12-31")["items"] == []


def test_rebuilding_the_index_with_another_text_configuration(settings, api, lab, make_comment):
    from django.core.management import call_command

    comment = make_comment(lab.author, lab.discussion, content="The herons were running")
    assert found(api, "run", as_=lab.member) == [("comment", comment.id)]  # English stems

    settings.SEARCH_TEXT_CONFIG = "simple"
    if connection.vendor == "postgresql":
        # The fixtures' rows, checked now: a table with pending checks cannot be altered.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("rebuild_search_index", stdout=open(os.devnull, "w"))
    assert found(api, "run", as_=lab.member) == []
    assert found(api, "running", as_=lab.member) == [("comment", comment.id)]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason=(
        "only SQLite remakes a table to alter it (PostgreSQL's ALTER TABLE keeps the generated "
        "vectors); test_search_sqlite.py runs this file on SQLite"
    ),
)
def test_a_migration_that_remade_a_table_has_its_index_repaired(api, lab, make_comment):
    from django.core.management.sql import emit_post_migrate_signal

    before = make_comment(lab.author, lab.discussion, content="ibis before")
    with connection.cursor() as cursor:  # what remaking the comment table leaves
        for event in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER search_comment_fts_{event}")
    after = make_comment(lab.author, lab.discussion, content="ibis after")
    assert found(api, "ibis", as_=lab.member) == [("comment", before.id)]

    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    assert sorted(found(api, "ibis", as_=lab.member)) == sorted(
        [("comment", before.id), ("comment", after.id)]
    )
    latest = make_comment(lab.author, lab.discussion, content="ibis latest")
    assert ("comment", latest.id) in found(api, "ibis", as_=lab.member)


def test_a_post_as_long_as_allowed_is_indexed_and_found(api, lab):
    words = [f"w{n}x{n * 7919 % 10007}" for n in range(2000)]  # all different
    content = " ".join(words)[:20_000]
    response = api.post(
        f"/api/discussions/{lab.discussion.id}/comments", {"content": content}, as_=lab.author
    )
    assert response.status_code == 201, response.content[:300]
    assert found(api, words[1500], as_=lab.member) == [("comment", response.json()["id"])]


# A statement that runs for seconds on each vendor.
SLOW = {
    "postgresql": "SELECT pg_sleep(5)",
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < 100000000) SELECT count(*) FROM n",
}


def test_a_search_past_its_deadline_is_cancelled(settings, monkeypatch, api, lab):
    settings.SEARCH_TIMEOUT_MS = 100

    def slow_page(cursor, *args):
        cursor.execute(SLOW[connection.vendor])
        return []

    monkeypatch.setattr(query, "_page", slow_page)
    began = time.monotonic()
    assert_json_error(api.get(_url("needle"), as_=lab.member), 503)
    assert time.monotonic() - began < 2
    monkeypatch.undo()
    assert search(api, "topic", as_=lab.member)["items"]  # the connection is fine after it
