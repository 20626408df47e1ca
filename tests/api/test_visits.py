"""The caller's last visit to an article: what the article page marks new items
against. Who may read and record it is in the permission matrix; here, what it
keeps and how bad input is refused."""

from datetime import datetime

from discussions.models import ArticleVisit

from .support import assert_json_error


def _visit(api, lab, person, method="GET"):
    return api.request(method, f"/api/articles/{lab.article.id}/visit", as_=person)


def test_first_visit_has_nothing_before_it(api, make_lab):
    lab = make_lab("private")

    assert _visit(api, lab, lab.member).json() == {
        "article_id": lab.article.id,
        "seen_at": None,
        "previous_seen_at": None,
    }
    recorded = _visit(api, lab, lab.member, "PUT").json()

    assert recorded["previous_seen_at"] is None
    assert recorded["seen_at"] is not None
    assert _visit(api, lab, lab.member).json()["seen_at"] == recorded["seen_at"]


def test_each_visit_answers_the_one_before(api, make_lab):
    lab = make_lab("private")
    first = _visit(api, lab, lab.member, "PUT").json()

    second = _visit(api, lab, lab.member, "PUT").json()

    assert second["previous_seen_at"] == first["seen_at"]
    assert datetime.fromisoformat(second["seen_at"]) >= datetime.fromisoformat(first["seen_at"])
    assert ArticleVisit.objects.filter(user=lab.member.user, article=lab.article).count() == 1


def test_visits_are_kept_per_user(api, make_lab):
    lab = make_lab("private")
    _visit(api, lab, lab.member, "PUT")

    assert _visit(api, lab, lab.author).json()["seen_at"] is None
    assert _visit(api, lab, lab.member).json()["seen_at"] is not None


def test_unknown_or_malformed_article_is_a_json_error(api, make_lab):
    lab = make_lab("private")
    for method in ("GET", "PUT"):
        assert_json_error(api.request(method, "/api/articles/999999999/visit", as_=lab.member), 404)
        assert_json_error(api.request(method, "/api/articles/zero/visit", as_=lab.member), 400)
        assert_json_error(api.request(method, "/api/articles/0/visit", as_=lab.member), 400)
        assert_json_error(api.request(method, f"/api/articles/{2**64}/visit", as_=lab.member), 400)
