"""Full-text search at scale: how long GET /api/search's query takes a member of a few
communities, among many communities' comments.

    .venv/bin/python bench/search.py [--comments 200000] [--communities 200] [--public 20]
        [--member-of 5] [--runs 200] [--sqlite] [--label TEXT]

Loads `--communities` communities (`--public` of them public, the rest private), ten
articles each, two discussions per article and `--comments` comments spread evenly over
the discussions, every text drawn from a Zipf-like vocabulary of 5,000 made-up words.
Planted on top: a rare word (`zygomorph`, in 40 comments over all communities), a
common word (`model`, in 30% of the comments) and a phrase (`boundary layer` in 1%,
with `boundary` and `layer` apart in 5% each). Comments are bulk-loaded (COPY on
PostgreSQL, executemany on SQLite): the database's own index is built by the same
generated column or triggers that keep it on every write.

The searcher is a member of `--member-of` private communities, so the permission
filter reads what is public and what is theirs. Each query runs `--runs` times through
search.query.run (the endpoint's whole work after parsing: the ranked page, the
excerpts of its 20 results and their titles, authors and links), alternating between
the queries so that all see the same machine load. One JSON line per query: p50 and
p95 in ms of the whole search and of its one statement that finds, ranks and pages the
matches, and the number of readable matches, appended to bench/search.jsonl; on
PostgreSQL also how the plan finds the comments (their GIN index, or the comments of
the discussions the searcher may read).

PostgreSQL (a database of its own on 127.0.0.1:5432, dropped at the end) when it
answers, else SQLite (`--sqlite` forces it).
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "search.jsonl"
ARTICLES_PER_COMMUNITY = 10
DISCUSSIONS_PER_ARTICLE = 2
QUERIES = {"rare word": "zygomorph", "common word": "model", "phrase": '"boundary layer"'}

from bench.common import Database, django_environment, percentile, report  # noqa: E402


class Texts:
    """Comment texts of 20-60 words: a Zipf-like vocabulary, and the planted words."""

    def __init__(self, seed: int = 21):
        self.random = random.Random(seed)
        syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "go", "zu"]
        words = set()
        while len(words) < 5000:
            words.add(
                "".join(self.random.choice(syllables) for _ in range(self.random.randint(2, 4)))
            )
        self.vocabulary = sorted(words)
        self.weights = [1 / (rank + 1) for rank in range(len(self.vocabulary))]

    def comment(self, rare: bool) -> str:
        words = self.random.choices(self.vocabulary, self.weights, k=self.random.randint(20, 60))
        chance = self.random.random

        def plant(text: str) -> None:
            words.insert(self.random.randrange(len(words) + 1), text)

        if rare:
            plant("zygomorph")
        if chance() < 0.30:
            plant("model")
        if chance() < 0.01:
            plant("boundary layer")
        if chance() < 0.05:
            plant("boundary")
        if chance() < 0.05:
            plant("layer")
        return " ".join(words)


def load(args, postgres: bool):
    """Everything but the comments through bulk_create; the comments in bulk, as rows."""
    from django.db import connection

    from accounts.models import User
    from communities.models import Community, Membership
    from discussions.models import Article, Discussion, Placement

    authors = User.objects.bulk_create(
        [User.unsaved(f"author{n}", email=f"author{n}@example.org") for n in range(50)]
    )
    searcher = User.objects.create(username="searcher", email="searcher@example.org")
    communities = Community.objects.bulk_create(
        [
            Community(
                name=f"Community {n}",
                slug=f"community-{n}",
                type=Community.PUBLIC if n < args.public else Community.PRIVATE,
            )
            for n in range(args.communities)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(community=community, user=searcher)
            for community in communities[args.public : args.public + args.member_of]
        ]
    )
    articles = Article.objects.bulk_create(
        [
            Article(title=f"Article {c}.{n}", abstract="An abstract", submitter=authors[n])
            for c in range(args.communities)
            for n in range(ARTICLES_PER_COMMUNITY)
        ]
    )
    Placement.objects.bulk_create(
        [
            Placement(article=article, community=communities[i // ARTICLES_PER_COMMUNITY])
            for i, article in enumerate(articles)
        ]
    )
    discussions = Discussion.objects.bulk_create(
        [
            Discussion(
                article=article,
                community=communities[i // ARTICLES_PER_COMMUNITY],
                author=authors[i % 50],
                topic=f"Topic {i}.{n}",
                content="Some content",
            )
            for i, article in enumerate(articles)
            for n in range(DISCUSSIONS_PER_ARTICLE)
        ]
    )

    texts = Texts()
    rare = set(random.Random(7).sample(range(args.comments), 40))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = (
        (
            texts.comment(n in rare),
            "",
            start + timedelta(seconds=n),
            start + timedelta(seconds=n),
            discussions[n % len(discussions)].id,
            0,
            authors[n % 50].id,
            False,
            False,
            1,
        )
        for n in range(args.comments)
    )
    columns = (
        "content, content_html, created_at, updated_at, discussion_id, depth, author_id, "
        "is_pseudonymous, is_deleted, version"
    )
    with connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY discussions_comment ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO discussions_comment ({columns}) VALUES ({', '.join(['%s'] * 10)})",
                [
                    (*row[:2], row[2].isoformat(" ")[:26], row[3].isoformat(" ")[:26], *row[4:])
                    for row in rows
                ],
            )
        # As a live database would be: statistics gathered, and (PostgreSQL) the rows'
        # visibility settled, so the first searches do not write hint bits.
        cursor.execute("VACUUM ANALYZE" if postgres else "ANALYZE")
    return searcher


class PageTimer:
    """Times the one statement that finds, ranks and pages the matches (the rest of a
    search reads the page's 20 results by id)."""

    def __init__(self, timings: list[float]):
        self.timings = timings

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if "ORDER BY m.rank" in sql:
                self.timings.append(time.perf_counter() - began)


def comments_plan(searcher, text: str) -> str:
    """How PostgreSQL finds the matching comments, in the search's own settings: by
    their GIN index, or from the discussions the searcher may read."""
    from django.conf import settings
    from django.db import connection

    from search import query
    from search.postgres import Postgres

    captured = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: (
            captured.append((sql, params)) if "ORDER BY m.rank" in sql else None,
            execute(sql, params, many, context),
        )[1]
    ):
        query.run(query.Search(text, kind="comment"), searcher, 20, None)
    sql, params = captured[0]
    with connection.cursor() as cursor, Postgres.searching(cursor, settings.SEARCH_TIMEOUT_MS):
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return "GIN index" if "search_comment_vector" in plan else "readable discussions' comments"


def matches(searcher, text: str) -> int:
    """Readable matches, counted with the same page query and an unbounded page."""
    from search import query

    return len(query.run(query.Search(text), searcher, 10**7, None)["items"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--public", type=int, default=20)
    parser.add_argument("--member-of", type=int, default=5)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    database = Database("bench_search", args.sqlite)
    os.environ.update(django_environment(database.url))
    import django

    database.create()
    try:
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from search import query

        call_command("migrate", verbosity=0)
        began = time.monotonic()
        searcher = load(args, database.postgres)
        loaded_s = round(time.monotonic() - began, 1)
        timings = {name: [] for name in QUERIES}
        page_timings = {name: [] for name in QUERIES}
        for _ in range(5):  # warm the caches
            for text in QUERIES.values():
                query.run(query.Search(text), searcher, 20, None)
        for _ in range(args.runs):
            for name, text in QUERIES.items():
                with connection.execute_wrapper(PageTimer(page_timings[name])):
                    began = time.perf_counter()
                    query.run(query.Search(text), searcher, 20, None)
                    timings[name].append(time.perf_counter() - began)
        common = {
            "label": args.label,
            "database": "postgresql" if database.postgres else "sqlite",
            "comments": args.comments,
            "communities": args.communities,
            "public": args.public,
            "member_of": args.member_of,
            "runs": args.runs,
            "load_s": loaded_s,
            "load_average": round(os.getloadavg()[0], 1),
        }
        for name, text in QUERIES.items():
            result = {
                "query": name,
                "q": text,
                "p50_ms": round(percentile(timings[name], 0.5) * 1000, 2),
                "p95_ms": round(percentile(timings[name], 0.95) * 1000, 2),
                "page_query_p50_ms": round(percentile(page_timings[name], 0.5) * 1000, 2),
                "page_query_p95_ms": round(percentile(page_timings[name], 0.95) * 1000, 2),
                "readable_matches": matches(searcher, text),
                **common,
            }
            if database.postgres:
                result["comments_found_by"] = comments_plan(searcher, text)
            report(RESULTS, result)
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()


if __name__ == "__main__":
    main()
