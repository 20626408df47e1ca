"""The page shells: each passes the page what it needs to fetch its data."""

import json
import re

import pytest
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from discussions.models import Article, Placement
from marginalia import error_handlers
from marginalia.content_security import page_policy
from web import urls as web_urls

pytestmark = pytest.mark.django_db  # the shells of a community, an article, a profile ask it


def _community(slug: str, type_: str = Community.PUBLIC) -> Community:
    return Community.objects.create(name=slug.title(), slug=slug, type=type_)


def _config(response):
    match = re.search(
        rb'<script id="page-config" type="application/json">(.*?)</script>', response.content, re.S
    )
    return json.loads(match.group(1))


def test_article_shell_gets_the_poll_server_url(client, settings):
    settings.REALTIME_PUBLIC_URL = "https://poll.example.org"
    _community("neural-lab", Community.PRIVATE)
    response = client.get("/c/neural-lab/a/42/")
    assert response.status_code == 200
    assert _config(response) == {
        "page": "article",
        "realtimeUrl": "https://poll.example.org",
        "slug": "neural-lab",
        "articleId": 42,
    }
    assert b'type="module"' in response.content
    assert b"/static/web/js/pages/article.js" in response.content


def test_profile_shell_gets_the_username_in_any_script(client):
    User.objects.create(username="Zoë_Ελένη", email="zoe@example.org")
    response = client.get("/u/Zo%C3%AB_%CE%95%CE%BB%CE%AD%CE%BD%CE%B7/")
    assert response.status_code == 200
    assert _config(response)["page"] == "profile"
    assert _config(response)["username"] == "Zoë_Ελένη"
    assert b"/static/web/js/pages/profile.js" in response.content


def test_search_shell_names_the_query_in_its_title_and_every_page_has_the_search_box(client):
    response = client.get("/search/", {"q": " <b>gamma</b> ", "kind": "comment"})
    assert response.status_code == 200
    assert _config(response)["page"] == "search"
    assert b"<title>&lt;b&gt;gamma&lt;/b&gt; \xc2\xb7 Search" in response.content
    assert b"/static/web/js/pages/search.js" in response.content
    for path in ("/", "/search/", "/u/someone/", "/no/such/page/"):
        page = client.get(path).content
        assert b'role="search"' in page and b'action="/search/"' in page, path
        assert b'name="q"' in page, path


def test_every_page_renders(client):
    _community("lab")
    for path, page in [
        ("/", "communities"),
        ("/signin/", "sign-in"),
        ("/c/lab/", "community"),
        ("/settings/", "settings"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _config(response)["page"] == page
        assert b'<html lang="en">' in response.content


def test_a_page_about_nothing_is_its_shell_answered_404(client):
    lab, private = _community("lab"), _community("closed", Community.PRIVATE)
    article = Article.objects.create(title="Placed")
    Placement.objects.create(article=article, community=lab)
    User.objects.create(username="ada", email="ada@example.org")
    User.objects.create(username="gone", email="gone@example.org", is_active=False)
    for path, status in [
        ("/c/lab/", 200),
        ("/c/nope/", 404),
        (f"/c/lab/a/{article.id}/", 200),
        (f"/c/lab/a/{article.id + 1}/", 404),
        (f"/c/nope/a/{article.id}/", 404),
        ("/c/lab/a/99999999999999999999999/", 404),
        # In a private community, any article id: which it holds is for members to learn.
        (f"/c/{private.slug}/a/{article.id + 1}/", 200),
        ("/u/ada/", 200),
        ("/u/nobody/", 404),
        ("/u/gone/", 404),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert b'<script id="page-config"' in response.content, path  # the page says why


def test_static_modules_are_served(client):
    for name in ("web/realtime/client.js", "web/realtime/apply-event.js", "web/app.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name


def test_an_unknown_page_gets_a_page_of_the_sites_own_and_no_script(client):
    for path in ("/c/lab/a/not-a-number/", "/no/such/page/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("text/html")
        assert b"<h1>Page not found</h1>" in response.content
        assert b"/static/web/app.css" in response.content  # the site's look
        assert b"<script" not in response.content


@pytest.mark.parametrize(
    "path", ["/api/no-such-thing", "/api/communities/1/nope/", "/api/discussions/x/y/z"]
)
def test_an_unknown_api_path_gets_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"message": "Not found"}


def test_a_failing_view_gets_a_json_500_under_api_and_a_page_elsewhere(rf):
    api = error_handlers.server_error(rf.get("/api/communities/"))
    assert api.status_code == 500 and json.loads(api.content) == {
        "message": "Internal server error"
    }
    page = error_handlers.server_error(rf.get("/c/lab/"))
    assert page.status_code == 500 and b"<h1>Something went wrong</h1>" in page.content
    forbidden = error_handlers.forbidden(rf.get("/c/lab/"), PermissionError())
    assert forbidden.status_code == 403 and b"<h1>Not allowed</h1>" in forbidden.content


SAMPLE_ARGUMENTS = {"slug": "lab", "article_id": 42, "username": "zoë"}


def _pages() -> list[str]:
    """Every page of the web front end (so a page added later is checked too), and the API docs."""
    return [
        *(
            reverse(
                pattern.name,
                kwargs={name: SAMPLE_ARGUMENTS[name] for name in pattern.pattern.converters},
            )
            for pattern in web_urls.urlpatterns
        ),
        "/api/docs",
    ]


PAGES = _pages()


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_a_policy_without_inline_script(client, path):
    # What the sample arguments name (a private community shows any article id's shell).
    _community(SAMPLE_ARGUMENTS["slug"], Community.PRIVATE)
    User.objects.create(username=SAMPLE_ARGUMENTS["username"], email="zoe@example.org")
    response = client.get(path)

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_pages_may_reach_the_poll_server_at_its_public_origin_only(client, settings):
    settings.CONTENT_SECURITY_POLICY = page_policy("https://poll.example.org/rt")

    connect = _policy(client.get("/"))["connect-src"]

    assert connect == ["'self'", "https://poll.example.org"]


def test_a_poll_server_behind_the_same_origin_needs_no_other_source():
    assert page_policy("/realtime")["DIRECTIVES"]["connect-src"] == ["'self'"]


def test_no_page_has_inline_script_or_event_handlers(client):
    for path in PAGES:
        html = client.get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path


def test_api_docs_load_swagger_ui_from_our_own_static_files(client):
    html = client.get("/api/docs").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets), assets
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not one of our static files"
        assert client.get(asset).status_code == 200, asset
    assert "://" not in html
