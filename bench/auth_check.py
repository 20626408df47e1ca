"""What checking a bearer token costs a request, in process: GET /api/auth/me.

    .venv/bin/python bench/auth_check.py [--src OTHER_CHECKOUT/src] [--requests 3000]
        [--database-url postgres://...]

Access tokens are honoured only while their login lives: the query that loads the
token's user joins the login's row. `--src` measures another checkout the same way
(before and after that change). Django's test client drives the whole request
(routing, JWT, the query, the JSON answer) against a fresh database: SQLite by
default, or a PostgreSQL database created for the run and dropped after it. Prints one
JSON line and appends it to bench/auth_check.jsonl.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the bench package; the code measured comes from --src
RESULTS = ROOT / "bench" / "auth_check.jsonl"

from bench.common import django_environment  # noqa: E402


def scratch_postgres(server_url: str) -> tuple[str, callable]:
    """A database of its own on the server of `server_url`, and how to drop it."""
    import psycopg

    name = f"bench_auth_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}")), drop


def configure(src: str, database_url: str) -> None:
    sys.path.insert(0, src)
    os.environ.update(
        django_environment(
            database_url,
            REALTIME_REDIS_URL=os.environ.get("REALTIME_REDIS_URL", "redis://127.0.0.1:6379/11"),
        )
    )
    import django

    django.setup()


def measure(requests: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    client = Client()
    signed_up = client.post(
        "/api/auth/signup",
        {
            "username": "bench",
            "email": "bench@example.org",
            "password": "a-long-enough-bench-passphrase",
        },
        content_type="application/json",
    )
    assert signed_up.status_code == 201, signed_up.content
    headers = {"Authorization": f"Bearer {signed_up.json()['access']}"}
    for _ in range(200):  # warm caches and connections
        client.get("/api/auth/me", headers=headers)
    timings = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(requests):
            started = time.perf_counter()
            answer = client.get("/api/auth/me", headers=headers)
            timings.append(time.perf_counter() - started)
            assert answer.status_code == 200
    timings.sort()
    return {
        "requests": requests,
        "p50_us": round(statistics.median(timings) * 1e6, 1),
        "p90_us": round(timings[int(len(timings) * 0.9)] * 1e6, 1),
        "queries_per_request": len(queries.captured_queries) / requests,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to create a scratch database on"
    )
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    drop = None
    if args.database_url:
        database_url, drop = scratch_postgres(args.database_url)
    else:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='auth-check-')}/bench.sqlite3"
    configure(args.src, database_url)
    try:
        result = measure(args.requests)
    finally:
        if drop:
            drop()
    result.update(
        label=args.label,
        database="postgresql" if drop else "sqlite",
        python=platform.python_version(),
        cores=os.cpu_count(),
        at=time.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    print(json.dumps(result))
    with RESULTS.open("a") as results:
        results.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
