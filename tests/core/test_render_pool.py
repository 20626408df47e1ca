"""KaTeX's processes: a formula that crashes, spins or runs out of memory costs only
itself, the processes are lent in fair turns, and every wait is bounded.

Real KaTeX processes throughout; the test kills them from outside to stand for a
crash (SIGSEGV), as V8 closing an isolate after a stopped formula did."""

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from richtext import katex_pool, maths
from richtext.katex_pool import FairTurns, KatexPool, KatexProcess, RendererBusy

# A formula that keeps V8 busy for a minute: 1,000 copies of a 3,000-character macro.
SLOW = r"\def\a{" + "x" * 3000 + "}" + r"\a" * 1000


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def pool():
    started = KatexPool(processes=1, max_waiting=2, max_wait=10)
    yield started
    started.close()


def test_a_formula_past_its_deadline_gets_its_process_killed_and_the_next_one_renders(pool):
    restarts = sample("marginalia_render_process_restarts_total", reason="timeout")
    with pool.turn("writer") as turn:
        assert turn.render("w", False, seconds=5).outcome == "rendered"  # started
        (killed,) = pool.pids()
        before = time.monotonic()
        slow = turn.render(SLOW, False, seconds=0.3)
        took = time.monotonic() - before
        assert (slow.mathml, slow.outcome) == (None, "timeout")
        # stopped: at 0.3 s of its CPU, or on a loaded machine at the cap on waiting for it
        assert took < katex_pool.MAX_STARVED_SECONDS + 1, took
        assert turn.render("x^2", False, seconds=5).outcome == "rendered"
    assert sample("marginalia_render_process_restarts_total", reason="timeout") == restarts + 1
    (running,) = pool.pids()
    assert Path(f"/proc/{running}").exists()
    assert not Path(f"/proc/{killed}").exists()  # reaped: not a zombie, not a leak


def test_a_crashing_process_costs_only_its_formula(pool):
    crashes = sample("marginalia_render_formulas_total", outcome="crash")
    with pool.turn("writer") as turn:
        assert turn.render("a", False, seconds=5).outcome == "rendered"
        (child,) = pool.pids()
        crash = threading.Timer(0.2, os.kill, (child, signal.SIGSEGV))
        crash.start()
        crashed = turn.render(SLOW, False, seconds=5)
        assert (crashed.mathml, crashed.outcome) == (None, "crash")
        assert "<mi>b</mi>" in turn.render("b", False, seconds=5).mathml
    assert sample("marginalia_render_formulas_total", outcome="crash") == crashes + 1


def test_a_formula_past_the_heap_limit_ends_its_process_and_says_so(monkeypatch):
    monkeypatch.setenv("RENDER_HEAP_BYTES", str(24 * 1024 * 1024))  # read by the child
    # Filling the heap takes seconds of CPU; on a loaded machine the process at nice 10
    # may get them only slowly, and this test is about the heap, not about starvation.
    monkeypatch.setattr(katex_pool, "MAX_STARVED_SECONDS", 60)
    small = KatexPool(processes=1, max_waiting=1, max_wait=10)
    try:
        with small.turn("writer") as turn:
            heavy = r"\def\a{" + "x" * 1000 + "}" + r"\a" * 1000  # a million tokens
            assert turn.render(heavy, False, seconds=20).outcome == "memory"
            assert turn.render("c", False, seconds=5).outcome == "rendered"
    finally:
        small.close()


def test_a_post_ends_at_most_two_processes_and_the_rest_shows_as_source(monkeypatch, pool):
    monkeypatch.setattr(maths, "FORMULA_SECONDS", 0.05)
    monkeypatch.setattr(maths, "POST_SECONDS", 100)  # only the restarts limit this post
    formulas = [(f"{SLOW}_{n}", False) for n in range(6)] + [("y", False)]
    restarts = sample("marginalia_render_process_restarts_total", reason="timeout")
    with pool.turn("writer") as turn:
        mathml = maths.render_formulas(formulas, turn)
    assert set(mathml.values()) == {None}
    assert (
        sample("marginalia_render_process_restarts_total", reason="timeout")
        == restarts + maths.POST_RESTARTS
    )


class _NeverStarts(KatexProcess):
    command = (sys.executable, "-c", "pass")  # ends before saying it is ready


def test_a_renderer_that_cannot_start_costs_a_post_two_tries_and_no_error():
    broken = KatexPool(processes=1, max_waiting=1, max_wait=10, process_class=_NeverStarts)
    try:
        started = time.monotonic()
        with broken.turn("writer") as turn:
            mathml = maths.render_formulas([(f"x_{n}", False) for n in range(50)], turn)
        assert set(mathml.values()) == {None}
        assert time.monotonic() - started < 5
    finally:
        broken.close()


def test_turns_go_round_the_lanes_first_come_first_served_within_each():
    turns = FairTurns(slots=1, max_waiting=10, max_waiting_per_lane=3, max_wait=10)
    held = turns.acquire("first")
    served, threads = [], []
    for lane, post in [("flood", 1), ("flood", 2), ("flood", 3), ("quiet", 1), ("other", 1)]:

        def wait(lane=lane, post=post):
            slot = turns.acquire(lane)
            served.append((lane, post))
            turns.release(slot)

        threads.append(threading.Thread(target=wait))
        threads[-1].start()
        while turns.waiting < len(threads):  # queued in this order
            time.sleep(0.001)
    turns.release(held)
    for thread in threads:
        thread.join(5)
    assert served == [("flood", 1), ("quiet", 1), ("other", 1), ("flood", 2), ("flood", 3)]


def test_the_wait_is_bounded_in_places_per_lane_and_in_time():
    turns = FairTurns(slots=1, max_waiting=2, max_waiting_per_lane=1, max_wait=0.3)
    held = turns.acquire("a")
    waiting = threading.Thread(target=lambda: pytest.raises(RendererBusy, turns.acquire, "a"))
    waiting.start()
    while turns.waiting < 1:
        time.sleep(0.001)
    with pytest.raises(RendererBusy):
        turns.acquire("a")  # one waiting post per lane
    started = time.monotonic()
    with pytest.raises(RendererBusy) as refused:
        turns.acquire("b")  # has a place, but the slot stays taken past max_wait
    assert 0.25 < time.monotonic() - started < 1 and refused.value.retry_after > 0
    waiting.join(5)
    assert turns.waiting == 0
    turns.release(held)
    assert turns.acquire("c") == 0  # nothing left behind: the slot is free again


def test_the_pool_refuses_at_once_when_its_places_are_full(pool):
    refusals = sample("marginalia_render_busy_refusals_total")
    release = threading.Event()

    def hold(lane):
        with pool.turn(lane):
            release.wait(10)

    holders = [threading.Thread(target=hold, args=(lane,)) for lane in ("a", "b", "c")]
    for holder in holders:
        holder.start()
    while pool._turns.waiting < 2:  # one renders, two wait: the places are full
        time.sleep(0.001)
    started = time.monotonic()
    with pytest.raises(RendererBusy), pool.turn("d"):
        pass
    assert time.monotonic() - started < 0.1
    release.set()
    for holder in holders:
        holder.join(10)
    assert sample("marginalia_render_busy_refusals_total") == refusals + 1
