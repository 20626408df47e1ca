"""The CPU and database queries of one comment write through the API, in process.

    .venv/bin/python bench/comment_write.py [--src OTHER_CHECKOUT/src] [--writes 300]

`--src` measures another checkout (for before and after a change), through the API
alone, so any version that has the endpoints runs it. Django's test client drives the
whole request (routing, JWT, validation, the write, the outbox row, the publish after
commit) against a fresh SQLite database and the Redis at REALTIME_REDIS_URL (database
11 by default, emptied first). Prints one JSON line and appends it to
bench/comment_write.jsonl.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the bench package; the code measured comes from --src
RESULTS = ROOT / "bench" / "comment_write.jsonl"

from bench.common import InProcessApi, django_environment  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    sys.path.insert(0, args.src)
    workdir = tempfile.mkdtemp(prefix="comment-write-")
    os.environ.update(
        django_environment(
            f"sqlite:///{workdir}/bench.sqlite3",
            REALTIME_REDIS_URL=os.environ.get("REALTIME_REDIS_URL", "redis://127.0.0.1:6379/11"),
        )
    )
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    redis.Redis.from_url(os.environ["REALTIME_REDIS_URL"]).flushdb()
    call_command("migrate", verbosity=0)
    api = InProcessApi()
    _, discussion = api.private_discussion("Bench")
    comments = f"/api/discussions/{discussion['id']}/comments"

    def measure(send) -> dict:
        cpu, queries = [], []
        for n in range(args.writes):
            with CaptureQueriesContext(connection) as captured:
                started = time.process_time()
                send(n)
                cpu.append(time.process_time() - started)
            queries.append(len(captured))
        return {
            "cpu_ms_p50": round(statistics.median(cpu) * 1000, 2),
            "cpu_ms_mean": round(statistics.mean(cpu) * 1000, 2),
            "queries": statistics.median(queries),
        }

    for n in range(20):  # warm: imports, caches, connections
        api.call("POST", comments, {"content": f"warm {n}"})
    created = measure(lambda n: api.call("POST", comments, {"content": f"A plain comment {n}."}))
    last = api.call("POST", comments, {"content": "to edit"})
    edited = measure(
        lambda n: api.call("PATCH", f"/api/comments/{last['id']}", {"content": f"Edited {n}."})
    )
    result = {
        "at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "label": args.label,
        "writes": args.writes,
        "create": created,
        "edit": edited,
    }
    print(json.dumps(result))
    with RESULTS.open("a") as out:
        out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
