"""What a member has not read, per community and per article, and what is new
since their previous visit of a community's page: who gets figures, what
counts, what resets them, and that a page of them costs the same queries
whatever it holds. Who may call the endpoints is in the permission matrix."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Membership

from .support import assert_json_error


@pytest.fixture
def quiet_lab(make_lab):
    """A private lab whose member joined before its discussion and comment were
    written, so both are unread for them (and for the admin and moderator)."""
    lab = make_lab("private")
    Membership.objects.filter(community=lab.community).update(
        joined_at=timezone.now() - timedelta(days=1)
    )
    return lab


def _mine(api, person):
    return {c["id"]: c for c in api.get("/api/communities?mine=true", as_=person).json()}


def _articles(api, lab, person):
    response = api.get(f"/api/communities/{lab.community.id}/articles", as_=person)
    assert response.status_code == 200, response.content
    return {a["id"]: a for a in response.json()["items"]}


def _iso(time) -> str:
    return time.isoformat().replace("+", "%2B")  # a "+" in a query string is a space


def _news(api, lab, person, since):
    return api.get(f"/api/communities/{lab.community.id}/news?since={_iso(since)}", as_=person)


def test_a_member_counts_what_others_wrote_after_they_joined(api, quiet_lab):
    lab = quiet_lab

    assert _mine(api, lab.member)[lab.community.id]["unread_count"] == 2
    article = _articles(api, lab, lab.member)[lab.article.id]
    assert article["unread_count"] == 2
    assert (article["discussion_count"], article["comment_count"]) == (1, 1)


def test_own_posts_are_never_unread(api, quiet_lab):
    lab = quiet_lab

    assert _mine(api, lab.author)[lab.community.id]["unread_count"] == 0
    assert _articles(api, lab, lab.author)[lab.article.id]["unread_count"] == 0


def test_what_was_written_before_joining_is_not_unread(api, make_lab, make_user):
    lab = make_lab("private")
    newcomer = make_user()
    lab.community.memberships.create(user=newcomer.user, role="member")

    assert _mine(api, newcomer)[lab.community.id]["unread_count"] == 0


def test_deleted_posts_are_not_counted(api, quiet_lab, make_discussion, make_comment):
    lab = quiet_lab
    make_comment(lab.author, lab.discussion, deleted=True)
    gone = make_discussion(lab.author, lab.community, lab.article, is_deleted=True)
    make_comment(lab.author, gone)  # under a deleted discussion: gone with it

    assert _mine(api, lab.member)[lab.community.id]["unread_count"] == 2
    article = _articles(api, lab, lab.member)[lab.article.id]
    assert (article["discussion_count"], article["comment_count"], article["unread_count"]) == (
        1,
        1,
        2,
    )


def test_opening_the_article_resets_its_count_and_the_communitys(
    api, quiet_lab, make_article, make_discussion
):
    lab = quiet_lab
    other = make_article(lab.community)
    make_discussion(lab.author, lab.community, other)

    api.request("PUT", f"/api/articles/{lab.article.id}/visit", as_=lab.member)

    assert _mine(api, lab.member)[lab.community.id]["unread_count"] == 1
    articles = _articles(api, lab, lab.member)
    assert articles[lab.article.id]["unread_count"] == 0
    assert articles[other.id]["unread_count"] == 1


def test_what_is_written_after_the_visit_is_unread_again(api, quiet_lab, make_comment):
    lab = quiet_lab
    api.request("PUT", f"/api/articles/{lab.article.id}/visit", as_=lab.member)

    make_comment(lab.author, lab.discussion)

    assert _mine(api, lab.member)[lab.community.id]["unread_count"] == 1


def test_non_members_and_anonymous_callers_get_null(api, make_lab):
    lab = make_lab("public")

    anonymous = api.get(f"/api/communities/{lab.community.id}").json()
    outsider = api.get(f"/api/communities/{lab.community.id}", as_=lab.outsider).json()
    assert anonymous["unread_count"] is None and outsider["unread_count"] is None
    for person in (None, lab.outsider):
        article = _articles(api, lab, person)[lab.article.id]
        assert article["unread_count"] is None
        assert (article["discussion_count"], article["comment_count"]) == (1, 1)


def test_the_whole_list_counts_only_the_callers_communities(
    api, quiet_lab, make_community, make_user
):
    lab = quiet_lab
    other = make_community("public", make_user())

    listed = {c["id"]: c for c in api.get("/api/communities", as_=lab.member).json()}

    assert listed[lab.community.id]["unread_count"] == 2
    assert listed[other.id]["unread_count"] is None


def test_a_private_community_tells_outsiders_no_figures(api, make_lab):
    lab = make_lab("private")

    for listed in api.get("/api/communities", as_=lab.outsider).json():
        assert listed["unread_count"] is None
    assert (
        api.get(f"/api/communities/{lab.community.id}", as_=lab.outsider).json()["unread_count"]
        is None
    )
    a_day_ago = timezone.now() - timedelta(days=1)
    assert_json_error(_news(api, lab, lab.outsider, a_day_ago), 403)
    assert_json_error(_news(api, lab, None, a_day_ago), 401)
    assert_json_error(
        api.get(f"/api/communities/{lab.community.id}/articles", as_=lab.outsider), 403
    )


def test_last_activity_is_the_latest_post_or_the_article(api, make_lab, make_article, make_comment):
    lab = make_lab("public")
    quiet = make_article(lab.community)
    latest = make_comment(lab.member, lab.discussion)

    articles = _articles(api, lab, None)
    assert _same_time(articles[lab.article.id]["last_activity_at"], latest.created_at)
    assert _same_time(articles[quiet.id]["last_activity_at"], quiet.created_at)


def _same_time(answered: str, stored) -> bool:
    """The JSON renderer keeps milliseconds."""
    return abs(datetime.fromisoformat(answered) - stored) < timedelta(milliseconds=1)


def test_news_lists_what_others_wrote_since_the_time(
    api, quiet_lab, make_article, make_discussion, make_comment
):
    lab = quiet_lab
    before = timezone.now()
    make_discussion(lab.author, lab.community, lab.article)
    make_comment(lab.author, lab.discussion)
    make_comment(lab.author, lab.discussion, deleted=True)
    make_comment(lab.member, lab.discussion)  # the reader's own
    untouched = make_article(lab.community)

    answer = _news(api, lab, lab.member, before).json()

    assert answer["count"] == 1
    [item] = answer["items"]
    assert (item["article_id"], item["title"]) == (lab.article.id, lab.article.title)
    assert (item["new_discussion_count"], item["new_comment_count"]) == (1, 1)
    assert untouched.id not in {i["article_id"] for i in answer["items"]}


def test_news_wants_a_time_with_its_offset(api, quiet_lab):
    lab = quiet_lab
    path = f"/api/communities/{lab.community.id}/news"
    for query in (
        "",
        "?since=",
        "?since=yesterday",
        "?since=2026-01-01T00:00:00",
        "?since=0001-01-01T00:00:00%2B01:00",
        "?since=9999-12-31T23:59:59-01:00",
    ):
        assert_json_error(api.get(path + query, as_=lab.member), 400)
    assert api.get(path + "?since=2026-01-01T00:00:00Z", as_=lab.member).status_code == 200


def _visit(api, lab, person, method="GET"):
    return api.request(method, f"/api/communities/{lab.community.id}/visit", as_=person)


def test_each_community_visit_answers_the_one_before(api, quiet_lab):
    lab = quiet_lab
    assert _visit(api, lab, lab.member).json() == {
        "community_id": lab.community.id,
        "seen_at": None,
        "previous_seen_at": None,
    }

    first = _visit(api, lab, lab.member, "PUT").json()
    second = _visit(api, lab, lab.member, "PUT").json()

    assert first["previous_seen_at"] is None
    assert second["previous_seen_at"] == first["seen_at"]
    assert _visit(api, lab, lab.member).json()["seen_at"] == second["seen_at"]
    assert _visit(api, lab, lab.author).json()["seen_at"] is None


def test_community_visits_are_limited_apart_from_writes(api, quiet_lab, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "visits_per_user": "2/minute"}
    lab = quiet_lab
    assert [_visit(api, lab, lab.admin, "PUT").status_code for _ in range(2)] == [200, 200]

    refused = _visit(api, lab, lab.admin, "PUT")

    assert_json_error(refused, 429)
    assert refused["Retry-After"]
    # Reading the visit, and writing anything else, are not counted against it.
    assert _visit(api, lab, lab.admin).status_code == 200


def test_unknown_or_malformed_community_is_a_json_error(api, quiet_lab):
    lab = quiet_lab
    for method in ("GET", "PUT"):
        assert_json_error(
            api.request(method, "/api/communities/999999999/visit", as_=lab.member), 404
        )
        assert_json_error(api.request(method, "/api/communities/zero/visit", as_=lab.member), 400)
    assert_json_error(
        api.get("/api/communities/999999999/news?since=2026-01-01T00:00:00Z", as_=lab.member), 404
    )


def _queries(api, path, person):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, as_=person)
    assert response.status_code == 200, response.content
    return len(queries)


def _grow(lab, make_article, make_discussion, make_comment, articles: int):
    for _ in range(articles):
        article = make_article(lab.community)
        for _ in range(2):
            discussion = make_discussion(lab.author, lab.community, article)
            make_comment(lab.admin, discussion)
            make_comment(lab.author, discussion, deleted=True)


def test_query_counts_do_not_grow_with_communities_articles_or_posts(
    api, make_lab, make_user, make_article, make_discussion, make_comment
):
    reader = make_user()
    small, large = make_lab("private"), make_lab("private")
    for lab in (small, large):
        lab.community.memberships.create(user=reader.user, role="member")
    _grow(large, make_article, make_discussion, make_comment, articles=6)
    a_day_ago = _iso(timezone.now() - timedelta(days=1))

    def costs():
        return (
            _queries(api, "/api/communities?mine=true", reader),
            _queries(api, f"/api/communities/{small.community.id}/articles", reader),
            _queries(api, f"/api/communities/{small.community.id}/news?since={a_day_ago}", reader),
        )

    before = costs()
    more = [make_lab("public") for _ in range(3)]
    for lab in more:
        lab.community.memberships.create(user=reader.user, role="member")
        _grow(lab, make_article, make_discussion, make_comment, articles=2)
    _grow(small, make_article, make_discussion, make_comment, articles=6)

    # The caller, then: the list; the community, the caller's role, the page's count, the
    # page, the readable communities of its articles; the community, the role, count, page.
    assert all(spent <= most for spent, most in zip(before, (2, 6, 5), strict=True)), before
    assert costs() == before
    assert _queries(api, f"/api/communities/{large.community.id}/articles", reader) == before[1]
    assert len(_mine(api, reader)) == 5
