"""The permission matrix: every endpoint of the API, for every role, in a
private and in a public community.

Rules checked:
- public community contents: anyone reads, any signed-in user writes;
- private community contents: members only. Community-scoped endpoints answer
  401 to anonymous callers and 403 to non-members; endpoints addressing an
  object by id (/api/articles/{id}, /api/discussions/{id}, /api/comments/{id})
  answer 404 to whoever cannot read it, so ids reveal nothing;
- edit: the author only; delete: the author, moderators and admins;
  resolve/unresolve: the author and admins; membership administration, editing
  the community and its invite links: admins;
- an invite link: whoever holds it sees the community's card; any signed-in
  non-member joins with it (members get 409).

Every cell also checks that a refused request (and any read) left the
database exactly as it was, and that an accepted write changed it.
The matrix must list every path and method of the OpenAPI schema.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import sessions
from accounts.models import RefreshTokenFamily
from communities import invites
from communities.models import Invite, JoinRequest
from discussions.models import Article, Discussion
from notifications.models import Notification
from realtime.connection import queue_registry

from .support import Lab, Person, assert_json_error, db_snapshot, unique

ROLES = ("anonymous", "outsider", "member", "moderator", "admin", "author")

# Expected status per role: ano(nymous), out(sider: signed in, not a member),
# mem(ber), mod(erator), adm(in), aut(hor: a plain member who wrote the
# discussion and the comment the request is about).
#
#                                                                            private community           public community
#                                                                         ano out mem mod adm aut     ano out mem mod adm aut
MATRIX = """
POST   /api/auth/signup                                                   201 201 201 201 201 201  |  201 201 201 201 201 201
POST   /api/auth/login                                                    200 200 200 200 200 200  |  200 200 200 200 200 200
POST   /api/auth/refresh                                                  200 200 200 200 200 200  |  200 200 200 200 200 200
GET    /api/auth/me                                                       401 200 200 200 200 200  |  401 200 200 200 200 200
PATCH  /api/auth/me                                                       401 200 200 200 200 200  |  401 200 200 200 200 200
GET    /api/auth/logins                                                   401 200 200 200 200 200  |  401 200 200 200 200 200
DELETE /api/auth/logins/{login_id}                                        401 204 204 204 204 204  |  401 204 204 204 204 204
POST   /api/auth/logout                                                   401 204 204 204 204 204  |  401 204 204 204 204 204
POST   /api/auth/password                                                 401 200 200 200 200 200  |  401 200 200 200 200 200
POST   /api/auth/password-reset                                           202 202 202 202 202 202  |  202 202 202 202 202 202
POST   /api/auth/password-reset/confirm                                   200 200 200 200 200 200  |  200 200 200 200 200 200
GET    /api/communities                                                   200 200 200 200 200 200  |  200 200 200 200 200 200
POST   /api/communities                                                   401 201 201 201 201 201  |  401 201 201 201 201 201
GET    /api/communities/by-slug/{slug}                                    200 200 200 200 200 200  |  200 200 200 200 200 200
GET    /api/communities/{community_id}                                    200 200 200 200 200 200  |  200 200 200 200 200 200
PATCH  /api/communities/{community_id}                                    401 403 403 403 200 403  |  401 403 403 403 200 403
POST   /api/communities/invites/preview                                   200 200 200 200 200 200  |  200 200 200 200 200 200
POST   /api/communities/invites/accept                                    401 200 409 409 409 409  |  401 200 409 409 409 409
GET    /api/communities/{community_id}/invites                            401 403 403 403 200 403  |  401 403 403 403 200 403
POST   /api/communities/{community_id}/invites                            401 403 403 403 201 403  |  401 403 403 403 201 403
DELETE /api/communities/{community_id}/invites/{invite_id}                401 403 403 403 204 403  |  401 403 403 403 204 403
POST   /api/communities/{community_id}/join                               401 202 409 409 409 409  |  401 200 409 409 409 409
POST   /api/communities/{community_id}/leave                              401 404 204 204 409 204  |  401 404 204 204 409 204
GET    /api/communities/{community_id}/members                            401 403 200 200 200 200  |  200 200 200 200 200 200
POST   /api/communities/{community_id}/members                            401 403 403 403 201 403  |  401 403 403 403 201 403
PATCH  /api/communities/{community_id}/members/{user_id}                  401 403 403 403 200 403  |  401 403 403 403 200 403
DELETE /api/communities/{community_id}/members/{user_id}                  401 403 403 403 204 403  |  401 403 403 403 204 403
GET    /api/communities/{community_id}/requests                           401 403 403 403 200 403  |  401 403 403 403 200 403
POST   /api/communities/{community_id}/requests/{request_id}/approve      401 403 403 403 204 403  |  401 403 403 403 204 403
POST   /api/communities/{community_id}/requests/{request_id}/reject       401 403 403 403 204 403  |  401 403 403 403 204 403
POST   /api/articles                                                      401 403 201 201 201 201  |  401 201 201 201 201 201
GET    /api/articles/{article_id}                                         404 404 200 200 200 200  |  200 200 200 200 200 200
GET    /api/articles/{article_id}/pseudonym                               401 404 200 200 200 200  |  401 200 200 200 200 200
GET    /api/articles/{article_id}/visit                                   401 404 200 200 200 200  |  401 200 200 200 200 200
PUT    /api/articles/{article_id}/visit                                   401 404 200 200 200 200  |  401 200 200 200 200 200
GET    /api/communities/{community_id}/articles                           401 403 200 200 200 200  |  200 200 200 200 200 200
GET    /api/communities/{community_id}/news                               401 403 200 200 200 200  |  200 200 200 200 200 200
GET    /api/communities/{community_id}/visit                              401 403 200 200 200 200  |  401 200 200 200 200 200
PUT    /api/communities/{community_id}/visit                              401 403 200 200 200 200  |  401 200 200 200 200 200
POST   /api/communities/{community_id}/articles/{article_id}              401 403 204 204 204 204  |  401 204 204 204 204 204
GET    /api/communities/{community_id}/articles/{article_id}/discussions  401 403 200 200 200 200  |  200 200 200 200 200 200
POST   /api/communities/{community_id}/articles/{article_id}/discussions  401 403 201 201 201 201  |  401 201 201 201 201 201
GET    /api/discussions/{discussion_id}                                   404 404 200 200 200 200  |  200 200 200 200 200 200
PATCH  /api/discussions/{discussion_id}                                   401 404 403 403 403 200  |  401 403 403 403 403 200
DELETE /api/discussions/{discussion_id}                                   401 404 403 204 204 204  |  401 403 403 204 204 204
POST   /api/discussions/{discussion_id}/resolve                           401 404 403 403 200 200  |  401 403 403 403 200 200
POST   /api/discussions/{discussion_id}/unresolve                         401 404 403 403 200 200  |  401 403 403 403 200 200
GET    /api/discussions/{discussion_id}/comments                          404 404 200 200 200 200  |  200 200 200 200 200 200
GET    /api/discussions/{discussion_id}/content_html                      404 404 200 200 200 200  |  200 200 200 200 200 200
GET    /api/comments/{comment_id}/content_html                            404 404 200 200 200 200  |  200 200 200 200 200 200
POST   /api/render                                                        401 200 200 200 200 200  |  401 200 200 200 200 200
POST   /api/discussions/{discussion_id}/comments                          401 404 201 201 201 201  |  401 201 201 201 201 201
PATCH  /api/comments/{comment_id}                                         401 404 403 403 403 200  |  401 403 403 403 403 200
DELETE /api/comments/{comment_id}                                         401 404 403 204 204 204  |  401 403 403 204 204 204
POST   /api/realtime/register                                             401 200 200 200 200 200  |  401 200 200 200 200 200
POST   /api/realtime/heartbeat                                            401 200 200 200 200 200  |  401 200 200 200 200 200
GET    /api/realtime/status                                               401 200 200 200 200 200  |  401 200 200 200 200 200
POST   /api/realtime/presence                                             401 403 200 200 200 200  |  401 400 400 400 400 400
POST   /api/realtime/typing                                               401 403 200 200 200 200  |  401 400 400 400 400 400
GET    /api/me/notification-preferences                                   401 200 200 200 200 200  |  401 200 200 200 200 200
PUT    /api/me/notification-preferences                                   401 200 200 200 200 200  |  401 200 200 200 200 200
GET    /api/me/follows                                                    401 200 200 200 200 200  |  401 200 200 200 200 200
GET    /api/notifications                                                 401 200 200 200 200 200  |  401 200 200 200 200 200
POST   /api/notifications/read                                            401 200 200 200 200 200  |  401 200 200 200 200 200
GET    /api/communities/{community_id}/articles/{article_id}/follow       401 403 200 200 200 200  |  401 200 200 200 200 200
PUT    /api/communities/{community_id}/articles/{article_id}/follow       401 403 200 200 200 200  |  401 200 200 200 200 200
DELETE /api/communities/{community_id}/articles/{article_id}/follow       401 403 200 200 200 200  |  401 200 200 200 200 200
GET    /api/discussions/{discussion_id}/follow                            401 404 200 200 200 200  |  401 200 200 200 200 200
PUT    /api/discussions/{discussion_id}/follow                            401 404 200 200 200 200  |  401 200 200 200 200 200
DELETE /api/discussions/{discussion_id}/follow                            401 404 200 200 200 200  |  401 200 200 200 200 200
GET    /api/users/{username}                                              200 200 200 200 200 200  |  200 200 200 200 200 200
GET    /api/search                                                        200 200 200 200 200 200  |  200 200 200 200 200 200
"""


def _parse(table: str) -> dict[tuple[str, str, str], dict[str, int]]:
    expected = {}
    for line in table.strip().splitlines():
        method, path, *cells = line.replace("|", " ").split()
        statuses = [int(cell) for cell in cells]
        assert len(statuses) == 2 * len(ROLES), line
        for visibility, row in (("private", statuses[:6]), ("public", statuses[6:])):
            expected[(method, path, visibility)] = dict(zip(ROLES, row))
    return expected


EXPECTED = _parse(MATRIX)
ENDPOINTS = sorted({(method, path) for method, path, _ in EXPECTED}, key=lambda e: (e[1], e[0]))

# Requests that may succeed without writing to the database.
# Login and refresh write: each starts or rotates a refresh-token family.
NO_DATABASE_WRITE = {
    ("POST", "/api/auth/password-reset"),  # the mail goes out; nothing is stored
    ("POST", "/api/communities/invites/preview"),  # only looks the link up
    ("POST", "/api/realtime/register"),
    ("POST", "/api/realtime/heartbeat"),
    ("POST", "/api/realtime/presence"),  # presence and typing live in Redis only
    ("POST", "/api/realtime/typing"),
    ("POST", "/api/render"),  # a preview is rendered, never stored
}


@dataclass
class World:
    """Everything a request of the matrix may address."""

    lab: Lab
    resolved: Discussion  # a resolved discussion by lab.author
    target: Person  # a plain member to promote or remove
    applicant: Person  # has a pending request to join
    join_request: JoinRequest
    newcomer: Person  # not a member; an admin may add them
    spare_article: Article  # readable by all (in another, public community)
    invite: Invite  # a usable invite link to the community
    invite_token: str

    @property
    def cid(self) -> int:
        return self.lab.community.id


@pytest.fixture
def world_for(make_lab, make_user, make_community, make_article, make_discussion,
              make_join_request):
    def build(visibility: str) -> World:
        lab = make_lab(visibility)
        target, applicant, newcomer = make_user(), make_user(), make_user()
        lab.community.memberships.create(user=target.user, role="member")
        for person in (lab.outsider, lab.member, lab.moderator, lab.admin, lab.author):
            # Something to read, so reading everything changes something.
            Notification.objects.create(user=person.user, kind=Notification.ADDED,
                                        created_at=timezone.now(), community=lab.community,
                                        text="You were added")
        invite, invite_token = invites.create(lab.community, lab.admin.user, 24, None)
        return World(
            lab=lab,
            resolved=make_discussion(lab.author, lab.community, lab.article, is_resolved=True),
            target=target,
            applicant=applicant,
            join_request=make_join_request(lab.community, applicant),
            newcomer=newcomer,
            spare_article=make_article(make_community("public", make_user())),
            invite=invite,
            invite_token=invite_token,
        )

    return build


def _heartbeat(w: World, actor):
    owner = actor or w.lab.member
    queue_id = queue_registry().create(owner.id, [])
    return f"/api/realtime/heartbeat?queue_id={queue_id}", None


def _another_login(w: World, actor):
    """A second login of the caller (of the member for an anonymous caller), to end."""
    user = (actor or w.lab.member).user
    sessions.start(user, "Another browser")
    login = RefreshTokenFamily.objects.get(user=user, user_agent="Another browser")
    return f"/api/auth/logins/{login.id}", None


def _reset_confirmation(w: World, actor):
    """Whoever holds the mailed link sets the password, signed in or not."""
    user = w.lab.member.user
    return "/api/auth/password-reset/confirm", {
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "new_password": "A-new-long-passphrase-9"}


def _new_username(w, actor):
    name = unique("signup")
    return "/api/auth/signup", {"username": name, "email": f"{name}@example.org",
                                "password": "Another-long-passphrase-7"}


# (method, path) -> builds (url, JSON body or None) for a world and an actor (None: anonymous).
REQUESTS = {
    ("POST", "/api/auth/signup"): _new_username,
    ("POST", "/api/auth/login"): lambda w, a: (
        "/api/auth/login", {"login": w.lab.member.username, "password": w.lab.member.password}),
    ("POST", "/api/auth/refresh"): lambda w, a: (
        "/api/auth/refresh", {"refresh": (a or w.lab.member).refresh}),
    ("GET", "/api/auth/me"): lambda w, a: ("/api/auth/me", None),
    ("PATCH", "/api/auth/me"): lambda w, a: ("/api/auth/me", {"display_name": "A new name"}),
    ("GET", "/api/auth/logins"): lambda w, a: ("/api/auth/logins", None),
    ("DELETE", "/api/auth/logins/{login_id}"): _another_login,
    ("POST", "/api/auth/logout"): lambda w, a: ("/api/auth/logout", {}),
    ("POST", "/api/auth/password"): lambda w, a: (
        "/api/auth/password", {"current_password": (a or w.lab.member).password,
                               "new_password": "A-new-long-passphrase-8"}),
    ("POST", "/api/auth/password-reset"): lambda w, a: (
        "/api/auth/password-reset", {"email": w.lab.member.user.email}),
    ("POST", "/api/auth/password-reset/confirm"): _reset_confirmation,
    ("GET", "/api/communities"): lambda w, a: ("/api/communities", None),
    ("POST", "/api/communities"): lambda w, a: (
        "/api/communities", {"name": unique("New community "), "type": "private"}),
    ("GET", "/api/communities/by-slug/{slug}"): lambda w, a: (
        f"/api/communities/by-slug/{w.lab.community.slug}", None),
    ("GET", "/api/communities/{community_id}"): lambda w, a: (
        f"/api/communities/{w.cid}", None),
    ("PATCH", "/api/communities/{community_id}"): lambda w, a: (
        f"/api/communities/{w.cid}", {"description": "Edited", "show_description": True}),
    ("POST", "/api/communities/invites/preview"): lambda w, a: (
        "/api/communities/invites/preview", {"token": w.invite_token}),
    ("POST", "/api/communities/invites/accept"): lambda w, a: (
        "/api/communities/invites/accept", {"token": w.invite_token}),
    ("GET", "/api/communities/{community_id}/invites"): lambda w, a: (
        f"/api/communities/{w.cid}/invites", None),
    ("POST", "/api/communities/{community_id}/invites"): lambda w, a: (
        f"/api/communities/{w.cid}/invites", {"expires_in_hours": 2, "max_uses": 3}),
    ("DELETE", "/api/communities/{community_id}/invites/{invite_id}"): lambda w, a: (
        f"/api/communities/{w.cid}/invites/{w.invite.id}", None),
    ("POST", "/api/communities/{community_id}/join"): lambda w, a: (
        f"/api/communities/{w.cid}/join", None),
    ("POST", "/api/communities/{community_id}/leave"): lambda w, a: (
        f"/api/communities/{w.cid}/leave", None),
    ("GET", "/api/communities/{community_id}/members"): lambda w, a: (
        f"/api/communities/{w.cid}/members", None),
    ("POST", "/api/communities/{community_id}/members"): lambda w, a: (
        f"/api/communities/{w.cid}/members", {"username": w.newcomer.username}),
    ("PATCH", "/api/communities/{community_id}/members/{user_id}"): lambda w, a: (
        f"/api/communities/{w.cid}/members/{w.target.id}", {"role": "moderator"}),
    ("DELETE", "/api/communities/{community_id}/members/{user_id}"): lambda w, a: (
        f"/api/communities/{w.cid}/members/{w.target.id}", None),
    ("GET", "/api/communities/{community_id}/requests"): lambda w, a: (
        f"/api/communities/{w.cid}/requests", None),
    ("POST", "/api/communities/{community_id}/requests/{request_id}/approve"): lambda w, a: (
        f"/api/communities/{w.cid}/requests/{w.join_request.id}/approve", None),
    ("POST", "/api/communities/{community_id}/requests/{request_id}/reject"): lambda w, a: (
        f"/api/communities/{w.cid}/requests/{w.join_request.id}/reject", None),
    ("POST", "/api/articles"): lambda w, a: (
        "/api/articles", {"title": "A new article", "community_ids": [w.cid]}),
    ("GET", "/api/articles/{article_id}"): lambda w, a: (
        f"/api/articles/{w.lab.article.id}", None),
    ("GET", "/api/articles/{article_id}/pseudonym"): lambda w, a: (
        f"/api/articles/{w.lab.article.id}/pseudonym", None),
    ("GET", "/api/articles/{article_id}/visit"): lambda w, a: (
        f"/api/articles/{w.lab.article.id}/visit", None),
    ("PUT", "/api/articles/{article_id}/visit"): lambda w, a: (
        f"/api/articles/{w.lab.article.id}/visit", None),
    ("GET", "/api/communities/{community_id}/articles"): lambda w, a: (
        f"/api/communities/{w.cid}/articles", None),
    ("GET", "/api/communities/{community_id}/news"): lambda w, a: (
        f"/api/communities/{w.cid}/news?since=2026-01-01T00:00:00Z", None),
    ("GET", "/api/communities/{community_id}/visit"): lambda w, a: (
        f"/api/communities/{w.cid}/visit", None),
    ("PUT", "/api/communities/{community_id}/visit"): lambda w, a: (
        f"/api/communities/{w.cid}/visit", None),
    ("POST", "/api/communities/{community_id}/articles/{article_id}"): lambda w, a: (
        f"/api/communities/{w.cid}/articles/{w.spare_article.id}", None),
    ("GET", "/api/communities/{community_id}/articles/{article_id}/discussions"): lambda w, a: (
        f"/api/communities/{w.cid}/articles/{w.lab.article.id}/discussions", None),
    ("POST", "/api/communities/{community_id}/articles/{article_id}/discussions"): lambda w, a: (
        f"/api/communities/{w.cid}/articles/{w.lab.article.id}/discussions",
        {"topic": "New topic", "content": "New content"}),
    ("GET", "/api/discussions/{discussion_id}"): lambda w, a: (
        f"/api/discussions/{w.lab.discussion.id}", None),
    ("PATCH", "/api/discussions/{discussion_id}"): lambda w, a: (
        f"/api/discussions/{w.lab.discussion.id}", {"topic": "Edited topic"}),
    ("DELETE", "/api/discussions/{discussion_id}"): lambda w, a: (
        f"/api/discussions/{w.lab.discussion.id}", None),
    ("POST", "/api/discussions/{discussion_id}/resolve"): lambda w, a: (
        f"/api/discussions/{w.lab.discussion.id}/resolve", None),
    ("POST", "/api/discussions/{discussion_id}/unresolve"): lambda w, a: (
        f"/api/discussions/{w.resolved.id}/unresolve", None),
    ("GET", "/api/discussions/{discussion_id}/comments"): lambda w, a: (
        f"/api/discussions/{w.lab.discussion.id}/comments", None),
    ("POST", "/api/discussions/{discussion_id}/comments"): lambda w, a: (
        f"/api/discussions/{w.lab.discussion.id}/comments",
        {"content": "A reply", "parent_id": w.lab.comment.id}),
    ("GET", "/api/discussions/{discussion_id}/content_html"): lambda w, a: (
        f"/api/discussions/{w.lab.discussion.id}/content_html", None),
    ("GET", "/api/comments/{comment_id}/content_html"): lambda w, a: (
        f"/api/comments/{w.lab.comment.id}/content_html", None),
    ("POST", "/api/render"): lambda w, a: ("/api/render", {"content": "*preview*"}),
    ("PATCH", "/api/comments/{comment_id}"): lambda w, a: (
        f"/api/comments/{w.lab.comment.id}", {"content": "Edited comment"}),
    ("DELETE", "/api/comments/{comment_id}"): lambda w, a: (
        f"/api/comments/{w.lab.comment.id}", None),
    ("POST", "/api/realtime/register"): lambda w, a: ("/api/realtime/register", None),
    ("POST", "/api/realtime/heartbeat"): _heartbeat,
    ("GET", "/api/realtime/status"): lambda w, a: ("/api/realtime/status", None),
    ("POST", "/api/realtime/presence"): lambda w, a: ("/api/realtime/presence", {
        "community_id": w.cid, "article_id": w.lab.article.id, "tab_id": "tab-matrix",
        "visible": True}),
    ("POST", "/api/realtime/typing"): lambda w, a: ("/api/realtime/typing", {
        "community_id": w.cid, "article_id": w.lab.article.id,
        "discussion_id": w.lab.discussion.id}),
    ("GET", "/api/me/notification-preferences"): lambda w, a: (
        "/api/me/notification-preferences", None),
    ("PUT", "/api/me/notification-preferences"): lambda w, a: (
        "/api/me/notification-preferences", {"sound": True}),
    ("GET", "/api/me/follows"): lambda w, a: ("/api/me/follows", None),
    ("GET", "/api/notifications"): lambda w, a: ("/api/notifications", None),
    ("POST", "/api/notifications/read"): lambda w, a: ("/api/notifications/read", {"all": True}),
    **{(method, "/api/communities/{community_id}/articles/{article_id}/follow"): (
        lambda w, a: (f"/api/communities/{w.cid}/articles/{w.lab.article.id}/follow", None))
       for method in ("GET", "PUT", "DELETE")},
    **{(method, "/api/discussions/{discussion_id}/follow"): (
        lambda w, a: (f"/api/discussions/{w.lab.discussion.id}/follow", None))
       for method in ("GET", "PUT", "DELETE")},
    ("GET", "/api/users/{username}"): lambda w, a: (f"/api/users/{w.lab.author.username}", None),
    # Everyone may search; what each finds is test_search.py's.
    ("GET", "/api/search"): lambda w, a: (f"/api/search?q=topic&community_id={w.cid}", None),
}


def test_matrix_covers_every_endpoint_of_the_schema(api, db):
    schema = api.get("/api/openapi.json").json()
    in_schema = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert set(ENDPOINTS) == in_schema, (
        f"missing from the matrix: {sorted(in_schema - set(ENDPOINTS))}; "
        f"not in the API: {sorted(set(ENDPOINTS) - in_schema)}"
    )
    assert set(REQUESTS) == in_schema


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=" ".join)
@pytest.mark.parametrize("visibility", ("private", "public"))
def test_permission(api, world_for, visibility, endpoint, role):
    method, path = endpoint
    expected = EXPECTED[(method, path, visibility)][role]
    world = world_for(visibility)
    actor = None if role == "anonymous" else getattr(world.lab, role)
    url, body = REQUESTS[endpoint](world, actor)
    before = db_snapshot()

    if body is None:
        response = api.request(method, url, as_=actor)
    else:
        response = api.request(method, url, as_=actor, json=body)

    after = db_snapshot()
    if expected >= 400:
        assert_json_error(response, expected)
        assert after == before, "a refused request changed the database"
        return
    assert response.status_code == expected, response.content[:500]
    if method == "GET" or endpoint in NO_DATABASE_WRITE:
        assert after == before, "a read changed the database"
    else:
        assert after != before, "an accepted write changed nothing"
