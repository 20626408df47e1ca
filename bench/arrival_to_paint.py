"""Arrival-to-paint of live comments on an article page, in headless Chromium.

    .venv/bin/python bench/arrival_to_paint.py [--label before] [--commit REV] [--runs 1]
        [--comments 300] [--events 100] [--edits 10] [--deletes 10] [--interval-ms 75]

Starts the real system as the browser tests do (tests.support.stack.Stack: gunicorn
with the API and the pages, the outbox relay, the Tornado poll server, PostgreSQL when
one answers on 127.0.0.1:5432 or DATABASE_URL is set, else SQLite, and a private
redis-server), seeds through the API a private community whose article has --comments
comments in threads over several discussions, opens the article as a member in
headless Chromium and waits until every comment is painted. Another member then writes
--events comments (then --edits edits and --deletes deletes of them) through the API,
one every --interval-ms, and the page's probe (bench/arrival_to_paint_probe.js) stamps
when each event's poll answer reached the page and when the frame showing it was
painted. Prints a summary and one JSON line, appended to bench/arrival_to_paint.jsonl.

--commit REV measures a commit exactly, whatever the working tree holds: the commit is
exported (git archive) to a temporary directory and this script runs there on it.
See bench/ARRIVAL_TO_PAINT.md for what each number means.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.browser.conftest import CHROMIUM, Browsers, article_path, wait_until  # noqa: E402
from tests.support.api import Account, Api  # noqa: E402
from tests.support.stack import Stack, port_open  # noqa: E402

RESULTS = ROOT / "bench" / "arrival_to_paint.jsonl"
PROBE = ROOT / "bench" / "arrival_to_paint_probe.js"
# No sandbox (CI runs as root), no background requests. The browser tests also pass
# --disable-gpu; without a GPU Chromium draws in software either way.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
# A comment's element: the page gives each one id="comment-<id>" (the anchor that
# toasts, "New" marks and links jump to), so a rewrite is likely to keep it. The
# probe looks for each comment's token in a text node inside such an element; toasts
# and the "N new" pill never show a comment's text, so they cannot match.
COMMENT_SELECTOR = '[id^="comment-"]'
# Tokens: one word of letters and digits (Markdown leaves it alone), unique per run.
SEED, LIVE, EDITED = "atps", "atpl", "atpe"
TOKEN_PATTERN = r"atp[sle][0-9]{4}x[0-9a-z]{6}"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=300, help="comments on the page at start")
    parser.add_argument(
        "--discussions", type=int, default=8, help="discussions the comments are spread over"
    )
    parser.add_argument("--events", type=int, default=100, help="live comments written")
    parser.add_argument("--edits", type=int, default=10, help="live edits, after the comments")
    parser.add_argument("--deletes", type=int, default=10, help="live deletes, after the edits")
    parser.add_argument("--interval-ms", type=float, default=75.0, help="between live writes")
    parser.add_argument("--runs", type=int, default=1, help="runs, each on a fresh system")
    parser.add_argument("--label", default="", help='tags the run, e.g. "before" or "after"')
    parser.add_argument("--seed", type=int, default=1, help="random seed of the article's shape")
    parser.add_argument("--commit", help="measure this commit, exported, not the working tree")
    parser.add_argument("--results", default=str(RESULTS), help=argparse.SUPPRESS)
    parser.add_argument("--exported-commit", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# ------------------------------------------------------------------ what is measured


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def run_on_exported_commit(args) -> int:
    """Run this script on a clean export of `args.commit`: other people's uncommitted
    edits under src/ never leak into the numbers, and the commit recorded is exact."""
    sha = git("rev-parse", "--verify", f"{args.commit}^{{commit}}")
    export = Path(tempfile.mkdtemp(prefix="arrival-to-paint-export-"))
    try:
        archive = subprocess.run(
            ["git", "archive", sha], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
        # The commit may predate this benchmark: bring it along.
        for script in (Path(__file__), PROBE):
            shutil.copy(script, export / "bench" / script.name)
        return subprocess.run(
            [
                sys.executable,
                str(export / "bench" / Path(__file__).name),
                *_without_commit(sys.argv[1:]),
                "--results",
                args.results,
                "--exported-commit",
                sha,
            ]
        ).returncode
    finally:
        shutil.rmtree(export, ignore_errors=True)


def _without_commit(argv: list[str]) -> list[str]:
    """The command line less its --commit REV (or --commit=REV)."""
    out, skip = [], False
    for arg in argv:
        if skip or arg.startswith("--commit="):
            skip = False
        elif arg == "--commit":
            skip = True
        else:
            out.append(arg)
    return out


def measured_code(args) -> dict:
    """Which code ran: an exported commit, or the working tree and whether its src/ had
    uncommitted changes (other people edit it while benchmarks run)."""
    if args.exported_commit:
        return {"commit": args.exported_commit, "tree": "export"}
    changed = git("status", "--porcelain", "--", "src").splitlines()
    return {
        "commit": git("rev-parse", "HEAD"),
        "tree": "working tree",
        "uncommitted_src_files": len(changed),
    }


# ------------------------------------------------------------------ the system


def wait_for_chromium(timeout: float = 600, every: float = 30) -> None:
    """Chromium may still be being installed (apt) by another process: wait for it."""
    deadline = time.monotonic() + timeout
    while not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if time.monotonic() > deadline:
            raise SystemExit(
                f"no Chromium at {CHROMIUM} after {timeout:.0f} s "
                "(Debian: apt-get install -y chromium)"
            )
        print(f"waiting for Chromium at {CHROMIUM} ...", file=sys.stderr)
        time.sleep(every)


def start_stack(workdir: Path) -> Stack:
    if not os.environ.get("DATABASE_URL") and port_open(5432):
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
    # The database's name carries this id: test runs and other bench runs beside this
    # one never share it.
    os.environ.setdefault("MARGINALIA_TEST_RUN", f"atp{os.getpid()}")
    # Stack raises every write limit out of reach (GENEROUS_RATE_LIMITS): 100 comments
    # in 7.5 s from one member would hit the default RATE_LIMIT_WRITES_PER_USER
    # (30/minute). Logs at WARNING: a log line per request is not what is measured.
    stack = Stack(
        workdir,
        "arrival_to_paint",
        redis_db=0,
        own_redis=True,
        env={"LOG_LEVEL": "WARNING", "REALTIME_LOG_LEVEL": "WARNING", "JWT_ACCESS_TTL": "3600"},
    )
    stack.redis.appendfsync = "everysec"  # the production setting (docs/deployment.md)
    return stack.start()


# ------------------------------------------------------------------ the article


OPENINGS = (
    "I reran the analysis from the supplement and",
    "Figure 3 suggests that",
    "Table 2 reports numbers where",
    "The methods section says",
    "Not sure I follow:",
    "Agreed, and",
    "One more point:",
    "The response to reviewer 2 claims",
    "As far as I can tell",
)
CLAIMS = (
    "the effect shrinks once batch is a covariate",
    "the confidence intervals overlap more than the text admits",
    "n = 12 per group is thin for a claim this strong",
    "the preregistration lists a different primary outcome",
    "the control condition is not described well enough to replicate",
    "the dose-response curve flattens above 10 mg",
    "the residuals in **figure S4** look heteroscedastic",
    "the `lme4` model in the code differs from the one in the paper",
)
CLOSINGS = (
    "Would a mixed model change the conclusion?",
    "See the second robustness check.",
    "Happy to share my notebook.",
    "This deserves a sentence in the limitations.",
    "",
    "",
)
MATHS = " With $\\hat\\beta = 0.42$ and $SE = 0.19$, $p \\approx 0.03$, not $p < 0.01$."


def comment_text(rng: random.Random, token: str, n: int) -> str:
    """What members write: a sentence or three, some Markdown, maths in one comment in
    ten, a longer one now and then. The token comes first: a long comment folded by
    the page still shows it."""
    sentence = f"{rng.choice(OPENINGS)} {rng.choice(CLAIMS)}. {rng.choice(CLOSINGS)}"
    text = f"{token} {sentence}"
    if n % 10 == 3:
        text += MATHS
    if n % 15 == 7:
        text += "\n\n" + " ".join(f"{rng.choice(OPENINGS)} {rng.choice(CLAIMS)}." for _ in range(5))
    return text


def discussion_sizes(total: int, discussions: int) -> list[int]:
    """A few busy discussions and a tail of quiet ones (weights 1, 1/2, 1/3, ...)."""
    weights = [1 / (rank + 1) for rank in range(discussions)]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def create_people_and_article(api: Api) -> dict:
    admin = api.signup("admin")
    reader, writer = api.signup("reader"), api.signup("writer")
    commenters = [api.signup("commenter") for _ in range(4)]
    community = api.community(admin, "private", members=[reader, writer, *commenters])
    article = api.article(admin, community["id"])
    return {
        "admin": admin,
        "reader": reader,
        "writer": writer,
        "community": community,
        "article": article,
        "authors": [admin, reader, *commenters],
    }


def seed_article(api: Api, args, run_id: str) -> dict:
    """The article as it stands when the reader opens it, written through the API."""
    rng = random.Random(args.seed)
    lab = create_people_and_article(api)
    lab["threads"] = []  # per discussion: its id and comments (see write_comment)
    n = 0
    for index, size in enumerate(discussion_sizes(args.comments, args.discussions)):
        discussion = api.discussion(
            rng.choice(lab["authors"]),
            lab["community"]["id"],
            lab["article"]["id"],
            topic=f"Question {index + 1}",
            content=comment_text(rng, "", index).strip(),
        )
        thread = {"id": discussion["id"], "comments": []}
        for _ in range(size):
            author = rng.choice(lab["authors"])
            write_comment(api, author, thread, rng, f"{SEED}{n:04d}x{run_id}", n)
            n += 1
        lab["threads"].append(thread)
    return lab


def pick_parent(rng: random.Random, thread: dict) -> dict | None:
    """Four comments in ten start a thread; the others reply to a comment that may
    take a reply (three levels), recent ones more often."""
    open_to_replies = [c for c in thread["comments"] if c["depth"] < 2]
    if not open_to_replies or rng.random() < 0.4:
        return None
    return rng.choice(open_to_replies[-20:])


def write_comment(
    api: Api, author: Account, thread: dict, rng: random.Random, token: str, n: int
) -> dict:
    parent = pick_parent(rng, thread)
    created = api.comment(
        author,
        thread["id"],
        comment_text(rng, token, n),
        parent_id=parent["id"] if parent else None,
    )
    comment = {
        "id": created["id"],
        "depth": created["depth"],
        "author": author.id,
        "token": token,
        "replies": 0,
    }
    if parent:
        parent["replies"] += 1
    thread["comments"].append(comment)
    return comment


# ------------------------------------------------------------------ the live writes


def plan_writes(lab: dict, args, run_id: str) -> list[dict]:
    """What the writer will do, in order: comments spread over the discussions (the
    busy ones busier), then edits and deletes of some of them."""
    rng = random.Random(args.seed + 1)
    weights = [len(t["comments"]) + 1 for t in lab["threads"]]
    plan = [
        {
            "kind": "create",
            "thread": rng.choices(lab["threads"], weights)[0],
            "token": f"{LIVE}{n:04d}x{run_id}",
            "n": n,
        }
        for n in range(args.events)
    ]
    targets = list(range(args.events))
    rng.shuffle(targets)
    plan += [
        {"kind": "edit", "of": n, "token": f"{EDITED}{n:04d}x{run_id}"}
        for n in targets[: args.edits]
    ]
    # Deleted: comments never edited and without replies when their turn comes (one
    # with replies would stay as "[deleted]": another kind of event).
    plan += [{"kind": "delete", "candidates": targets[args.edits :]}] * args.deletes
    return plan


def perform(
    api: Api, writer: Account, step: dict, created: dict, rng: random.Random
) -> dict | None:
    """One write; returns what it was and when it was sent and answered (time.time())."""
    sent = time.time()
    if step["kind"] == "create":
        comment = write_comment(api, writer, step["thread"], rng, step["token"], step["n"])
        created[step["n"]] = comment
        token = step["token"]
    elif step["kind"] == "edit":
        comment = created[step["of"]]
        api.call(
            "PATCH",
            f"/api/comments/{comment['id']}",
            writer,
            expect=200,
            json={"content": comment_text(rng, step["token"], step["of"])},
        )
        token = step["token"]
    else:
        comment = next(
            (
                created[n]
                for n in step["candidates"]
                if not created[n]["replies"] and not created[n].get("deleted")
            ),
            None,
        )
        if comment is None:
            return None
        api.call("DELETE", f"/api/comments/{comment['id']}", writer, expect=204)
        comment["deleted"], token = True, comment["token"]
    return {
        "kind": step["kind"],
        "comment_id": comment["id"],
        "token": token,
        "sent": sent * 1000,
        "answered": time.time() * 1000,
    }


def write_live(
    api: Api, writer: Account, plan: list[dict], interval_ms: float, seed: int
) -> list[dict]:
    """Writes at a steady rate, scheduled on the monotonic clock (not slept between),
    so a slow answer delays one write, not every later one."""
    rng = random.Random(seed + 2)
    created, records = {}, []
    start = time.monotonic()
    for index, step in enumerate(plan):
        delay = start + index * interval_ms / 1000 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        record = perform(api, writer, step, created, rng)
        if record:
            records.append(record)
    return records


# ------------------------------------------------------------------ the page


def probe_script(seed_count: int, poll_url: str) -> str:
    config = {
        "tokenPattern": TOKEN_PATTERN,
        "tokenPrefix": "atp",
        "seedPrefix": SEED,
        "seedCount": seed_count,
        "commentSelector": COMMENT_SELECTOR,
        "pollPath": f"{poll_url}/realtime/poll",
    }
    return PROBE.read_text().replace("__CONFIG__", json.dumps(config))


def open_reader_page(browsers: Browsers, lab: dict, stack: Stack, seed_count: int):
    """The reader's article page, once every seeded comment is painted and its long
    poll is waiting (no selector of the page: its probe tells)."""
    context = browsers.context(lab["reader"])
    context.add_init_script(probe_script(seed_count, stack.poll_url))
    page = context.new_page()
    page.goto(article_path(lab["community"], lab["article"]))
    wait_until(page, "window.__arrivalToPaint.seedPainted !== null", timeout=120)
    wait_until(page, "window.__arrivalToPaint.pollsStarted > 0", timeout=30)
    return page


def check_clocks(page) -> float:
    """That the page's Date.now() reads this process's clock (time.time()): it must
    fall within the round trip of asking it. Returns the round trip's width."""
    before = time.time() * 1000
    in_page = page.evaluate("Date.now()")
    after = time.time() * 1000
    if not before - 1 <= in_page <= after + 1:
        raise SystemExit(f"the page's clock is off: {in_page} not in [{before}, {after}]")
    return round(after - before, 2)


def arrivals(answers: list) -> dict:
    """The page's stamp of the poll answer that first brought each event: by the token
    in its comment's content for new and edited comments (an earlier update of the same
    comment carries another token), by comment id for deletions (their events carry no
    content)."""
    first = {}
    for perf, wall, body in answers:
        for event in json.loads(body).get("events", []):
            data = event.get("data") or {}
            if event.get("type") == "deleted_comment":
                first.setdefault(("deleted", data.get("comment_id")), (perf, wall))
                continue
            content = (data.get("comment") or {}).get("content") or ""
            for token in re.findall(TOKEN_PATTERN, content):
                first.setdefault(token, (perf, wall))
    return first


# ------------------------------------------------------------------ the numbers


def timings(records: list[dict], probe: dict) -> dict[str, list[dict]]:
    """Per write: arrival -> painted, on the page's clock; sent/answered -> painted,
    across clocks (Date.now() against time.time())."""
    arrived = arrivals(probe["answers"])
    out = {"create": [], "edit": [], "delete": []}
    for r in records:
        gone = r["kind"] == "delete"
        seen = (probe["gone"] if gone else probe["seen"]).get(r["token"])
        painted = (probe["gonePainted"] if gone else probe["painted"]).get(r["token"])
        arrival = arrived.get(("deleted", r["comment_id"]) if gone else r["token"])
        if not (seen and painted and arrival):
            out[r["kind"]].append({"missing": True})
            continue
        out[r["kind"]].append(
            {
                "arrival_to_paint": painted[0] - arrival[0],
                "arrival_to_dom": seen[0] - arrival[0],
                "send_to_paint": painted[1] - r["sent"],
                "answer_to_paint": painted[1] - r["answered"],
                "write": r["answered"] - r["sent"],
                "hidden": not gone and not painted[2],
            }
        )
    return out


def percentiles(values: list[float]) -> dict:
    """Nearest-rank p50/p90/p99 and max, in ms to 0.1."""
    if not values:
        return {}
    ordered = sorted(values)

    def rank(p):
        return ordered[max(0, -(-len(ordered) * p // 100) - 1)]

    return {
        "p50": round(rank(50), 1),
        "p90": round(rank(90), 1),
        "p99": round(rank(99), 1),
        "max": round(ordered[-1], 1),
    }


def summary(per_write: list[dict]) -> dict:
    found = [t for t in per_write if not t.get("missing")]
    out = {
        "n": len(found),
        "missing": len(per_write) - len(found),
        "hidden_at_paint": sum(t["hidden"] for t in found),
    }
    for name in ("arrival_to_paint", "arrival_to_dom", "send_to_paint", "answer_to_paint", "write"):
        out[name] = percentiles([t[name] for t in found])
    return out


# ------------------------------------------------------------------ the run


def wait_for_the_page(page, records: list[dict], timeout: float = 60) -> None:
    """Until every write shows (or is gone) and its frame is painted, or the timeout:
    what never showed is counted as missing."""
    expect = {
        "painted": [r["token"] for r in records if r["kind"] != "delete"],
        "gonePainted": [r["token"] for r in records if r["kind"] == "delete"],
    }
    page.evaluate("expected => { window.__arrivalToPaintExpected = expected; }", expect)
    check = (
        "(({painted, gonePainted}, p) => painted.every(t => t in p.painted)"
        " && gonePainted.every(t => t in p.gonePainted))"
        "(window.__arrivalToPaintExpected, window.__arrivalToPaint)"
    )
    try:
        wait_until(page, check, timeout=timeout)
    except AssertionError:
        print("some writes never showed: counted as missing", file=sys.stderr)


def measure(stack: Stack, chromium, args, run_id: str) -> dict:
    api = Api(stack.api_url)
    lab = seed_article(api, args, run_id)
    seeded = sum(len(t["comments"]) for t in lab["threads"])
    browsers = Browsers(chromium, stack)
    try:
        # A first visit warms the server (templates, static files, queries) and
        # records the reader's visit, so the measured page is a returning reader's.
        open_reader_page(browsers, lab, stack, seeded).context.close()
        page = open_reader_page(browsers, lab, stack, seeded)
        page.wait_for_timeout(1000)  # the page's own start-up requests settle
        clock_check_ms = check_clocks(page)
        records = write_live(
            Api(stack.api_url),
            lab["writer"],
            plan_writes(lab, args, run_id),
            args.interval_ms,
            args.seed,
        )
        wait_for_the_page(page, records)
        probe = page.evaluate("window.__arrivalToPaint")
        return {
            "comments": seeded,
            "first_paint_ms": round(probe["seedPainted"][0], 1),
            "clock_check_ms": clock_check_ms,
            "page_errors": len(page.errors),
            "probe_ms": {
                "until_first_paint": round(probe["observerMsAtSeedPaint"], 1),
                "in_all": round(probe["observerMs"], 1),
            },
            **{kind: summary(ts) for kind, ts in timings(records, probe).items()},
        }
    finally:
        browsers.close()


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    wait_for_chromium()
    run_id = "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))
    workdir = Path(tempfile.mkdtemp(prefix="arrival-to-paint-"))
    load_before = os.getloadavg()[0]
    stack = start_stack(workdir)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            numbers = measure(stack, chromium, args, run_id)
            version = chromium.version
            chromium.close()
    except BaseException:
        print(f"the servers' logs are kept in {stack.logs}", file=sys.stderr)
        raise
    finally:
        stack.stop()
    shutil.rmtree(workdir, ignore_errors=True)
    return {
        "at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "label": args.label,
        **measured_code(args),
        "cores": os.cpu_count(),
        "load_avg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "chromium": version,
        "database": stack.database_url.split(":", 1)[0],
        "events": args.events,
        "interval_ms": args.interval_ms,
        **numbers,
    }


def percentile_line(name: str, p: dict) -> str:
    if not p:
        return f"  {name:<18} none measured"
    return (
        f"  {name:<18} p50 {p['p50']:>7} p90 {p['p90']:>7} p99 {p['p99']:>7} max {p['max']:>7} ms"
    )


def print_summary(result: dict) -> None:
    create = result["create"]
    print(
        f"{result['label'] or 'run'} at {result['commit'][:10]} ({result['tree']}): "
        f"{result['comments']} comments painted {result['first_paint_ms']} ms after navigation"
    )
    print(
        f" {create['n']} new comments ({create['missing']} missing, "
        f"{create['hidden_at_paint']} hidden when painted):"
    )
    for name in ("arrival_to_paint", "arrival_to_dom", "send_to_paint", "write"):
        print(percentile_line(name, create[name]))
    for kind in ("edit", "delete"):
        if result[kind]["n"]:
            print(f" {result[kind]['n']} {kind}s:")
            print(percentile_line("arrival_to_paint", result[kind]["arrival_to_paint"]))


def main():
    args = parse_args()
    if args.commit:
        raise SystemExit(run_on_exported_commit(args))
    for _ in range(args.runs):
        result = run(args)
        print_summary(result)
        print(json.dumps(result))
        with open(args.results, "a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
