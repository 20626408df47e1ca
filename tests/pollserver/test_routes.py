"""Unit tests of the routes: the bounded runner for answers that need Redis, and the CORS
lines of an answer sent before its request was read."""

import asyncio

from pollserver.routes import CorsPolicy, Routes


async def test_answers_beyond_the_limit_wait_their_turn_in_arrival_order():
    routes = Routes(server=None, cors=CorsPolicy(()), max_concurrent_answers=2)
    release = asyncio.Event()
    running, most_at_once, finished = set(), 0, []

    async def answer(n):
        nonlocal most_at_once
        running.add(n)
        most_at_once = max(most_at_once, len(running))
        await release.wait()
        running.discard(n)
        finished.append(n)

    for n in range(5):
        routes.run(answer, n)
    await asyncio.sleep(0.01)
    assert running == {0, 1}  # the other three are queued, not started
    release.set()
    for _ in range(100):
        if len(finished) == 5:
            break
        await asyncio.sleep(0.01)
    assert finished == [0, 1, 2, 3, 4] and most_at_once == 2


def test_an_answer_before_its_request_names_the_origin_only_when_there_is_one():
    one = CorsPolicy(("http://a.example",)).unread_request_lines()
    assert b"Access-Control-Allow-Origin: http://a.example\r\n" in one
    assert b"Access-Control-Allow-Origin: *\r\n" in CorsPolicy(("*",)).unread_request_lines()
    for several in ((), ("http://a.example", "http://b.example")):
        assert CorsPolicy(several).unread_request_lines() == b"Vary: Origin\r\n"
