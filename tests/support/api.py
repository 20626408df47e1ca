"""A small HTTP client for the real API, for integration and browser tests."""

import itertools
from dataclasses import dataclass

import httpx

_names = itertools.count(1)


@dataclass
class Account:
    id: int
    username: str
    password: str
    access: str
    refresh: str


class ApiError(AssertionError):
    pass


class Api:
    def __init__(self, base_url: str):
        # Idle connections are dropped after 1 s, before gunicorn's keep-alive of 2 s
        # closes them: a request sent on a connection the server is closing meets a
        # reset (httpx keeps them 5 s by default; a full run met it twice).
        self.http = httpx.Client(
            base_url=base_url, timeout=10, limits=httpx.Limits(keepalive_expiry=1.0)
        )

    def call(
        self,
        method: str,
        path: str,
        account: Account | None = None,
        json=None,
        expect: int | None = None,
        headers: dict | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if account is not None:
            all_headers["Authorization"] = f"Bearer {account.access}"
        response = self.http.request(method, path, json=json, headers=all_headers)
        if expect is not None and response.status_code != expect:
            raise ApiError(f"{method} {path}: {response.status_code} {response.text}")
        return response

    def signup(self, prefix: str = "user", *, username: str | None = None) -> Account:
        """A new account named prefix + a counter, or exactly `username` (once per run)."""
        username = username or f"{prefix}{next(_names)}"
        password = f"Pw-{username}-long-enough"
        body = self.call(
            "POST",
            "/api/auth/signup",
            json={
                "username": username,
                "email": f"{username}@example.org",
                "password": password,
            },
            expect=201,
        ).json()
        return Account(body["user"]["id"], username, password, body["access"], body["refresh"])

    def login(self, account: Account, user_agent: str | None = None) -> Account:
        """Another login of the account, as another browser (named by `user_agent`) has it."""
        headers = {"User-Agent": user_agent} if user_agent else None
        body = self.call(
            "POST",
            "/api/auth/login",
            json={
                "login": account.username,
                "password": account.password,
            },
            expect=200,
            headers=headers,
        ).json()
        return Account(
            account.id, account.username, account.password, body["access"], body["refresh"]
        )

    def community(self, admin: Account, type_: str = "private", members=()) -> dict:
        community = self.call(
            "POST",
            "/api/communities",
            admin,
            json={
                "name": f"Community {next(_names)}",
                "type": type_,
            },
            expect=201,
        ).json()
        for member in members:
            self.add_member(admin, community["id"], member)
        return community

    def add_member(self, admin: Account, community_id: int, member: Account, role="member"):
        self.call(
            "POST",
            f"/api/communities/{community_id}/members",
            admin,
            json={"username": member.username, "role": role},
            expect=201,
        )

    def remove_member(self, admin: Account, community_id: int, member: Account):
        self.call(
            "DELETE", f"/api/communities/{community_id}/members/{member.id}", admin, expect=204
        )

    def article(self, submitter: Account, *community_ids: int) -> dict:
        return self.call(
            "POST",
            "/api/articles",
            submitter,
            json={
                "title": f"Article {next(_names)}",
                "community_ids": list(community_ids),
            },
            expect=201,
        ).json()

    def discussion(
        self, author: Account, community_id: int, article_id: int, queue_id=None, **fields
    ) -> dict:
        body = {"topic": "A topic", "content": "Some content", **fields}
        return self.call(
            "POST",
            f"/api/communities/{community_id}/articles/{article_id}/discussions",
            author,
            json=body,
            expect=201,
            headers=_origin(queue_id),
        ).json()

    def comment(
        self,
        author: Account,
        discussion_id: int,
        content="A comment",
        parent_id=None,
        queue_id=None,
    ) -> dict:
        return self.call(
            "POST",
            f"/api/discussions/{discussion_id}/comments",
            author,
            json={"content": content, "parent_id": parent_id},
            expect=201,
            headers=_origin(queue_id),
        ).json()

    def lab(self) -> dict:
        """A private community with an admin and a member, an outsider, and an article."""
        admin, member, outsider = (
            self.signup("admin"),
            self.signup("member"),
            self.signup("outsider"),
        )
        community = self.community(admin, "private", members=[member])
        article = self.article(admin, community["id"])
        return {
            "admin": admin,
            "member": member,
            "outsider": outsider,
            "community": community,
            "article": article,
        }

    def register(self, account: Account) -> dict:
        return self.call("POST", "/api/realtime/register", account, expect=200).json()

    def discussions(self, account: Account, community_id: int, article_id: int) -> list[dict]:
        """All of them, page after page (100 at most each)."""
        path = f"/api/communities/{community_id}/articles/{article_id}/discussions?limit=100"
        items: list[dict] = []
        while True:
            page = self.call("GET", f"{path}&offset={len(items)}", account, expect=200).json()
            items.extend(page["items"])
            if not page["items"] or len(items) >= page["count"]:
                return items

    def comments(self, account: Account, discussion_id: int) -> list[dict]:
        """The whole tree, page after page."""
        items: list[dict] = []
        after = 0
        while after is not None:
            page = self.call(
                "GET",
                f"/api/discussions/{discussion_id}/comments?after={after}",
                account,
                expect=200,
            ).json()
            items.extend(page["items"])
            after = page["next_after"]
        return items


def _origin(queue_id: str | None) -> dict:
    return {"X-Realtime-Queue-Id": queue_id} if queue_id else {}
