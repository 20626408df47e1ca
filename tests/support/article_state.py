"""The state of one article as a browser holds it, driven by the shipped reducer.

`ArticleState` applies realtime events with `applyEvent` from
src/web/static/web/realtime/apply-event.js, run by Node (tests/support/reducer_host.mjs):
the property tests and the end-to-end consistency tests check the code browsers run,
not a Python copy of its rules. One Node process serves every state of a test process.
"""

import atexit
import itertools
import json
import shutil
import subprocess
import threading
from pathlib import Path

HOST = Path(__file__).with_name("reducer_host.mjs")


class _ReducerHost:
    def __init__(self):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js is needed to run the shipped reducer (apply-event.js)")
        self._process = subprocess.Popen(
            [node, str(HOST)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self._lock = threading.Lock()  # one request and its answer at a time

    def call(self, **request):
        with self._lock:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the reducer host exited")
        reply = json.loads(line)
        if not reply["ok"]:
            raise RuntimeError(f"apply-event.js failed: {reply['error']}")
        return reply["result"]

    def close(self):
        self._process.stdin.close()
        self._process.wait(5)


_host: _ReducerHost | None = None
_handles = itertools.count(1)


def _reducer() -> _ReducerHost:
    global _host
    if _host is None:
        _host = _ReducerHost()
        atexit.register(_host.close)
    return _host


class ArticleState:
    """What a client fetched for one article, and the events applied to it since."""

    def __init__(self, article_id: int, discussions: list[dict], comments: dict[int, list[dict]]):
        self._handle = next(_handles)
        _reducer().call(
            op="create",
            handle=self._handle,
            discussions=discussions,
            comments={str(k): v for k, v in comments.items()},
            scope={"articleId": article_id},
        )

    def __del__(self):
        if _host is not None and _host._process.poll() is None:
            _host.call(op="drop", handle=self._handle)

    def apply(self, event: dict) -> None:
        _reducer().call(op="apply", handle=self._handle, event=event)

    def _state(self) -> dict:
        return _reducer().call(op="state", handle=self._handle)

    @property
    def discussions(self) -> dict[int, dict]:
        return {d["id"]: d for d in self._state()["discussions"]}

    @property
    def comments(self) -> dict[int, dict[int, dict]]:
        return {
            int(k): {c["id"]: c for c in items}
            for k, items in self._state()["commentsByDiscussion"].items()
        }

    def snapshot(self) -> tuple[list[dict], dict[int, list[dict]]]:
        """The shapes the REST API returns: newest discussion first, comments by id."""
        state = self._state()
        discussions = sorted(state["discussions"], key=lambda d: d["id"], reverse=True)
        shown = {d["id"] for d in discussions}
        comments = {
            int(k): sorted(items, key=lambda c: c["id"])
            for k, items in state["commentsByDiscussion"].items()
            if int(k) in shown
        }
        return discussions, comments
