"""What the bench scripts that keep a database of their own share: percentiles, one
JSON line per measurement in their results file, and the database itself."""

import json
import socket
import tempfile
import time
from pathlib import Path


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(results: Path, result: dict) -> None:
    """Print a measurement and append it to the results file, with when it was taken."""
    line = json.dumps({"at": time.strftime("%Y-%m-%d %H:%M:%S"), **result})
    print(line, flush=True)
    with results.open("a") as out:
        out.write(line + "\n")


class Database:
    """The bench's own database, `name`: on the PostgreSQL at 127.0.0.1:5432 when one
    answers (created empty, dropped at the end), else a SQLite file."""

    def __init__(self, name: str, use_sqlite: bool):
        self.name = name
        self.postgres = not use_sqlite and port_open(5432)
        if self.postgres:
            self.url = f"postgres://postgres@127.0.0.1:5432/{name}"
        else:
            self.url = f"sqlite:///{tempfile.mkdtemp(prefix=f'{name}-')}/bench.sqlite3"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def create(self) -> None:
        if self.postgres:
            self.drop()
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def django_environment(database_url: str, **more: str) -> dict[str, str]:
    """What a bench that runs the API in process sets before `django.setup()`: test-only
    secrets, the abuse limits out of the way (a bench measures cost, not limits), and the
    host name Django's test client sends."""
    return {
        "DJANGO_SETTINGS_MODULE": "marginalia.settings",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "bench-only-django-secret-0123456789abcdef0123456789",
        "JWT_SECRET": "bench-only-jwt-secret-0123456789abcdef0123456789",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "RATE_LIMIT_WRITES_PER_USER": "1000000/minute",
        "RATE_LIMIT_SIGNUPS_PER_IP": "1000000/minute",
        "RATE_LIMIT_COMMUNITIES_PER_USER": "1000000/minute",
        "LOG_LEVEL": "WARNING",
        **more,
    }


class InProcessApi:
    """The API called in process through Django's test client (no server, no network),
    as one signed-up writer: what a request costs the API itself. Call after
    `django.setup()` and the migrations."""

    def __init__(self):
        from django.test import Client

        self.client = Client()
        self.token = None
        self.token = self.call(
            "POST",
            "/api/auth/signup",
            {
                "username": "writer",
                "email": "writer@example.org",
                "password": "A-long-bench-passphrase-42",
            },
        )["access"]

    def call(self, method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        answer = self.client.generic(
            method,
            path,
            data=json.dumps(body or {}),
            content_type="application/json",
            headers=headers,
        )
        assert answer.status_code < 300, (path, answer.status_code, answer.content[:300])
        return answer.json() if answer.content else None

    def private_discussion(self, name: str) -> tuple[dict, dict]:
        """(community, discussion): a private community of the writer's, an article in
        it and a discussion of the article."""
        community = self.call("POST", "/api/communities", {"name": name, "type": "private"})
        article = self.call(
            "POST",
            "/api/articles",
            {"title": f"{name} article", "community_ids": [community["id"]]},
        )
        discussion = self.call(
            "POST",
            f"/api/communities/{community['id']}/articles/{article['id']}/discussions",
            {"topic": f"{name} topic", "content": "Start"},
        )
        return community, discussion
