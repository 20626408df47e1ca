"""The page shells: each passes the page what it needs to fetch its data."""

import json
import re


def _config(response):
    match = re.search(rb'<script id="page-config" type="application/json">(.*?)</script>',
                      response.content, re.S)
    return json.loads(match.group(1))


def test_article_shell_gets_the_poll_server_url(client, settings):
    settings.REALTIME_PUBLIC_URL = "https://poll.example.org"
    response = client.get("/c/neural-lab/a/42/")
    assert response.status_code == 200
    assert _config(response) == {
        "page": "article", "realtimeUrl": "https://poll.example.org",
        "slug": "neural-lab", "articleId": 42,
    }
    assert b'type="module"' in response.content
    assert b"/static/web/js/pages/article.js" in response.content


def test_every_page_renders(client):
    for path, page in [("/", "communities"), ("/signin/", "sign-in"), ("/c/lab/", "community")]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _config(response)["page"] == page
        assert b'<html lang="en">' in response.content


def test_static_modules_are_served(client):
    for name in ("web/realtime/client.js", "web/realtime/apply-event.js", "web/app.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name


def test_unknown_paths_are_404(client):
    assert client.get("/c/lab/a/not-a-number/").status_code == 404
