"""Server-rendered page shells. The data comes from the JSON API in the
browser, with the JWT the page keeps in localStorage, so these views know
nothing about the user: they only pass what the page needs to find its data."""

from django.conf import settings
from django.shortcuts import render


def _page(request, template: str, page: str, context: dict | None = None, **config):
    config = {"page": page, "realtimeUrl": settings.REALTIME_PUBLIC_URL, **config}
    return render(request, template, {"config": config, **(context or {})})


def communities(request):
    return _page(request, "web/communities.html", "communities")


def sign_in(request):
    return _page(request, "web/sign_in.html", "sign-in")


def settings_page(request):
    # Signed out, the page sends the visitor to sign in: only the browser knows.
    return _page(request, "web/settings.html", "settings")


def community(request, slug: str):
    return _page(request, "web/community.html", "community", slug=slug)


def article(request, slug: str, article_id: int):
    return _page(request, "web/article.html", "article", slug=slug, articleId=article_id)


def profile(request, username: str):
    return _page(request, "web/profile.html", "profile", username=username)


def search(request):
    # The query and its filters stay in the URL (?q=&community=&kind=&author=&since=&until=)
    # for the page's script to read, so a search can be shared and Back returns to it;
    # the tab's title names the query before the script runs.
    query = request.GET.get("q", "").strip()[:500]
    return _page(request, "web/search.html", "search", {"query": query})


def invite(request):
    # The token is in the URL's fragment, which never reaches the server.
    return _page(request, "web/invite.html", "invite")


def password_reset(request):
    # Asks for a reset link, or, opened from one, sets the new password: the link's
    # token is in the URL's fragment, which never reaches the server.
    return _page(request, "web/password_reset.html", "password-reset",
                 linkMinutes=settings.PASSWORD_RESET_TIMEOUT // 60)


def error_page(request, status: int, title: str, message: str):
    """A page of the site's own look for an error; it runs no script, so it works
    whatever broke (no database, no API)."""
    return render(request, "web/error.html", {"title": title, "message": message},
                  status=status)
