"""Server-rendered page shells. The data comes from the JSON API in the
browser, with the JWT the page keeps in localStorage, so these views know
nothing about the user: they only pass what the page needs to find its data.
A page about something that does not exist is the same shell answered 404 (its
script says what is missing), for link checkers and crawlers; only what anyone
may know decides that, never what a private community holds."""

from django.conf import settings
from django.shortcuts import render

from accounts.models import User
from communities.models import Community
from discussions.models import Article

MAX_ID = 2**63 - 1  # the database's ids: a longer number in the address names nothing


def _page(
    request, template: str, page: str, context: dict | None = None, found: bool = True, **config
):
    config = {"page": page, "realtimeUrl": settings.REALTIME_PUBLIC_URL, **config}
    context = {"config": config, **(context or {})}
    return render(request, template, context, status=200 if found else 404)


def communities(request):
    return _page(request, "web/communities.html", "communities")


def sign_in(request):
    return _page(request, "web/sign_in.html", "sign-in")


def settings_page(request):
    # Signed out, the page sends the visitor to sign in: only the browser knows.
    return _page(request, "web/settings.html", "settings")


def community(request, slug: str):
    found = Community.objects.filter(slug=slug).exists()
    return _page(request, "web/community.html", "community", found=found, slug=slug)


def article(request, slug: str, article_id: int):
    place = Community.objects.filter(slug=slug).values("id", "type").first()
    # Whether a private community holds the article is for its members to learn.
    found = place is not None and (
        place["type"] == Community.PRIVATE
        or (
            article_id <= MAX_ID
            and Article.objects.filter(pk=article_id, placements__community_id=place["id"]).exists()
        )
    )
    return _page(
        request, "web/article.html", "article", found=found, slug=slug, articleId=article_id
    )


def profile(request, username: str):
    found = User.objects.filter(username=username, is_active=True).exists()
    return _page(request, "web/profile.html", "profile", found=found, username=username)


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
    return _page(
        request,
        "web/password_reset.html",
        "password-reset",
        linkMinutes=settings.PASSWORD_RESET_TIMEOUT // 60,
    )


def error_page(request, status: int, title: str, message: str):
    """A page of the site's own look for an error; it runs no script, so it works
    whatever broke (no database, no API)."""
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)
