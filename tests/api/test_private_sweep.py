"""Nothing of a private community reaches a non-member through any endpoint.

Every operation of the OpenAPI schema is called, so an endpoint added later is
swept too, by an outsider (signed in, not a member) and anonymously, aimed at
the private community's article, discussion, comment, members and join
requests. Every one of those objects carries a unique marker; no response,
error message included, may contain it. Requests aimed at a private object
are refused with a JSON 401, 403 or 404 (the exact code per role is in
test_permissions.py), except the few answers that are public by design.

The community's name and slug are public: outsiders see them to ask to join,
so they carry no marker. Its description carries one: it is for members
unless the admins chose to show it (here they did not). Invite links are
swept too: one made by an admin whose name carries the marker, and a token
that names no invite.
"""

import json
import uuid

import pytest

from accounts.models import RefreshTokenFamily
from communities import invites
from realtime.connection import queue_registry

from .support import assert_json_error

MARKER = f"sweepsecret{uuid.uuid4().hex}"

# Answers to a non-member that are public by design, and why.
PUBLIC_BY_DESIGN = {
    ("GET", "/api/communities/{community_id}"): {200},  # the card, to ask to join
    ("GET", "/api/communities/by-slug/{slug}"): {200},  # the card, by slug
    ("POST", "/api/communities/{community_id}/join"): {202, 401},  # files a request
    ("GET", "/api/users/{username}"): {200},  # a member's profile: what the caller may see
    ("GET", "/api/search"): {200},  # searches what the caller may read: nothing here
}
# Answers that repeat the name the caller asked for (the member's, which carries the
# marker): the rest of the answer must still be free of it.
ECHOES_USERNAME = {("GET", "/api/users/{username}")}


@pytest.fixture
def private_world(make_user, make_community, make_article, make_discussion, make_comment,
                  make_join_request):
    admin = make_user()
    inviter = make_user(f"{MARKER}inviter")
    member = make_user(f"{MARKER}member")
    applicant = make_user(f"{MARKER}applicant")
    community = make_community("private", admin, members=[member], admins=[inviter])
    community.description = f"{MARKER} description"
    community.save()
    invite, _token = invites.create(community, inviter.user, 24, None)
    article = make_article(community, submitter=admin, title=f"{MARKER} title")
    article.abstract, article.authors, article.link = (
        f"{MARKER} abstract", [f"{MARKER} author"], f"https://example.org/{MARKER}")
    article.save()
    discussion = make_discussion(member, community, article, topic=f"{MARKER} topic",
                                 content=f"{MARKER} content", pseudonymous=True)
    comment = make_comment(member, discussion, content=f"{MARKER} comment")
    make_comment(member, discussion, parent=comment, content=f"{MARKER} reply")
    join_request = make_join_request(community, applicant)
    return {
        "community_id": community.id, "slug": community.slug, "article_id": article.id,
        "discussion_id": discussion.id, "comment_id": comment.id, "parent_id": comment.id,
        "user_id": member.id, "request_id": join_request.id, "invite_id": invite.id,
        "community_ids": [community.id], "username": member.username,
        "login_id": RefreshTokenFamily.objects.get(user=member.user).id,
        "since": "2000-01-01T00:00:00Z",  # before everything: all of it would be news
        "q": MARKER,  # a search for the word every private object holds
    }


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    options = [o for o in node.get("anyOf", ()) if o.get("type") != "null"]
    return _resolve(schema, options[0]) if options else node


def _value(schema: dict, name: str, node: dict, targets: dict):
    """A value aimed at the private objects where the field names one, else plausible."""
    if name in targets:
        return targets[name]
    node = _resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return {key: _value(schema, key, prop, targets)
                for key, prop in node.get("properties", {}).items()}
    if kind == "array":
        return [_value(schema, name, node.get("items", {}), targets)]
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if node.get("format") == "email":
        return "sweep@example.org"
    if node.get("format") == "uri":
        return "https://example.org/sweep"
    return "sweep-value-0001"  # fits id-like fields (url-safe, 8-64 characters) and text alike


def _request(schema: dict, path: str, operation: dict, targets: dict):
    """The URL and body of one operation; an unknown parameter fails loudly."""
    url, query = path, []
    for parameter in operation.get("parameters", ()):
        name = parameter["name"]
        assert name in targets or not parameter.get("required"), (
            f"{path}: say which private object '{name}' should name in the sweep's targets")
        if parameter["in"] == "path":
            url = url.replace("{" + name + "}", str(targets[name]))
        elif name in targets:
            query.append(f"{name}={targets[name]}")
    if query:
        url += "?" + "&".join(query)
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    body = _value(schema, "", content["schema"], targets) if content else None
    return url, body


def _aims_at_private_object(path: str, body) -> bool:
    return "{" in path or (isinstance(body, dict) and bool(set(body) & {
        "community_ids", "community_id", "article_id", "discussion_id", "comment_id"}))


@pytest.mark.parametrize("caller", ["anonymous", "outsider"])
def test_no_endpoint_shows_private_contents_to_a_non_member(api, private_world, make_user,
                                                            caller):
    outsider = None if caller == "anonymous" else make_user()
    targets = dict(private_world)
    if outsider is not None:
        # The outsider's own queue: the realtime endpoints then answer for
        # their caller, and must not tell them about the community either.
        targets["queue_id"] = queue_registry().create(outsider.id, [])
    else:
        targets["queue_id"] = "A" * 22
    schema = api.get("/api/openapi.json").json()

    swept = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            url, body = _request(schema, path, operation, targets)
            if body is None:
                response = api.request(method.upper(), url, as_=outsider)
            else:
                response = api.request(method.upper(), url, as_=outsider, json=body)
            where = f"{method.upper()} {url} as {caller}"
            content = response.content.decode(errors="replace")
            if (method.upper(), path) in ECHOES_USERNAME:
                answer = response.json()
                assert answer.pop("username") == targets["username"], where
                content = json.dumps(answer, ensure_ascii=False)
            assert MARKER not in content, f"{where} leaks"
            assert response.status_code < 500, f"{where}: {response.status_code}"

            allowed = PUBLIC_BY_DESIGN.get((method.upper(), path))
            if allowed is not None:
                assert response.status_code in allowed, f"{where}: {response.status_code}"
            elif _aims_at_private_object(path, body):
                assert response.status_code in (401, 403, 404), (
                    f"{where}: {response.status_code} {response.content[:200]!r}")
                assert_json_error(response, response.status_code)
            swept += 1
    assert swept == sum(len(ops) for ops in schema["paths"].values()) > 30

