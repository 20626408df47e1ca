"""Posts written to hurt the renderer: each is stored and answered (201), its maths
rendered or shown as its TeX source, nothing it draws moves outside its formula's box,
and the KaTeX processes it ended are counted and replaced. The API process is this
test process: that it lives through the corpus is part of what is shown (V8 runs only
in the KaTeX processes)."""

import re
import threading

import pytest

from richtext import geometry, katex_pool
from richtext.katex_pool import KatexPool
from tests.support.hostile_posts import CORPUS

from .support import assert_json_error

_MATH = re.compile(r"<math\b.*?</math>", re.S)


def restarts() -> float:
    from prometheus_client import REGISTRY

    return sum(
        REGISTRY.get_sample_value("marginalia_render_process_restarts_total", {"reason": reason})
        or 0
        for reason in ("timeout", "memory", "crash")
    )


@pytest.mark.parametrize("content", CORPUS.values(), ids=CORPUS.keys())
def test_every_hostile_post_is_stored_and_moves_nothing_outside_its_box(api, lab, content):
    assert len(content) <= 20_000
    answer = api.post(
        f"/api/discussions/{lab.discussion.id}/comments", {"content": content}, as_=lab.member
    )
    assert answer.status_code == 201, answer.content[:300]
    comment = answer.json()
    html = (
        comment["content_html"]
        or api.get(f"/api/comments/{comment['id']}/content_html", as_=lab.member).json()[
            "content_html"
        ]
    )
    assert html
    for formula in _MATH.findall(html):
        assert geometry.displacement_em(formula) <= geometry.MAX_DISPLACEMENT_EM, formula[:300]
    assert (
        "<math"
        in api.post("/api/render", {"content": "$x^2$"}, as_=lab.member).json()["content_html"]
    )  # maths still renders


def test_a_post_that_stops_its_process_is_counted_and_the_next_post_renders(api, lab):
    before = restarts()
    bomb = api.post("/api/render", {"content": CORPUS["macro bomb"]}, as_=lab.member).json()
    assert bomb["content_html"].startswith('<p><span class="math inline"><code>')
    assert restarts() == before + 1
    metrics = api.get("/api/metrics").content.decode()
    assert 'marginalia_render_process_restarts_total{reason="timeout"}' in metrics
    assert 'marginalia_render_formulas_total{outcome="timeout"}' in metrics
    assert (
        "<math"
        in api.post("/api/render", {"content": "$y$"}, as_=lab.member).json()["content_html"]
    )


def test_a_busy_renderer_answers_429_with_retry_after_and_stores_nothing(api, lab, monkeypatch):
    """Every KaTeX process taken and no place left to wait: the post is refused before
    anything is stored, so the writer (whose draft the page keeps) can send it again."""
    full = KatexPool(processes=1, max_waiting=0, max_wait=1)
    monkeypatch.setattr(katex_pool, "pool", lambda: full)
    taken, release = threading.Event(), threading.Event()

    def hold():
        with full.turn("someone else"):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        taken.wait(10)
        comments = f"/api/discussions/{lab.discussion.id}/comments"
        count = api.get(comments, as_=lab.member).json()["count"]
        refused = api.post(comments, {"content": "$x$"}, as_=lab.member)
        assert "busy" in assert_json_error(refused, 429)["message"]
        assert int(refused["Retry-After"]) >= 1
        assert api.get(comments, as_=lab.member).json()["count"] == count
        assert (
            api.post(comments, {"content": "no maths, no wait"}, as_=lab.member).status_code == 201
        )
    finally:
        release.set()
        holder.join(10)
        full.close()
