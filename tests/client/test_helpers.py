from marginalia_client import protocol
from marginalia_client.backoff import RetryDelays, is_transient
from marginalia_client.ordering import unseen_in_order
from marginalia_client.protocol import poll_target, read_poll_answer, retry_after

from .fakes import event


def test_backoff_ceiling_doubles_from_base_to_cap():
    delays = RetryDelays(base=1.0, cap=30.0, random=lambda: 1.0)
    assert [delays.next() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_backoff_delay_is_a_random_fraction_of_the_ceiling():
    fractions = iter([0.0, 0.25, 0.5])
    delays = RetryDelays(base=2.0, cap=30.0, random=lambda: next(fractions))
    assert [delays.next() for _ in range(3)] == [0.0, 1.0, 4.0]


def test_backoff_never_overflows_in_a_long_outage():
    delays = RetryDelays(base=1.0, cap=30.0, random=lambda: 1.0)
    assert [delays.next() for _ in range(5000)][-1] == 30.0


def test_base_above_cap_is_capped():
    assert RetryDelays(base=60.0, cap=30.0, random=lambda: 1.0).next() == 30.0


def test_retry_after_is_waited_and_still_grows_the_ceiling():
    delays = RetryDelays(base=1.0, cap=30.0, random=lambda: 1.0)
    assert [delays.next(42.0), delays.next()] == [42.0, 2.0]


def test_reset_starts_the_ceiling_over():
    delays = RetryDelays(base=1.0, cap=30.0, random=lambda: 1.0)
    delays.next()
    delays.next()
    delays.reset()
    assert delays.next() == 1.0


def test_server_errors_and_rate_limits_are_transient():
    assert [code for code in (200, 400, 401, 404, 429, 500, 502, 503) if is_transient(code)] == [
        429,
        500,
        502,
        503,
    ]


def test_unseen_events_sorted_deduplicated_and_after_the_cursor():
    events = [event(5), event(3), event(2), event(5), event(4)]
    assert [e["event_id"] for e in unseen_in_order(events, cursor=2)] == [3, 4, 5]


def test_no_events_unseen():
    assert unseen_in_order([event(1)], cursor=1) == []


def test_poll_target_quotes_the_queue_id_and_adds_the_signal_cursor_only_when_asked():
    assert poll_target("a+b/c", 7) == "/realtime/poll?queue_id=a%2Bb%2Fc&last_event_id=7"
    assert poll_target("q", 0, "5-1").endswith("&last_event_id=0&signal_cursor=5-1")


def test_poll_target_asks_for_notifications_only_along_with_a_signal_cursor():
    assert poll_target("q", 0, "5-1", notifications=True).endswith(
        "&signal_cursor=5-1&notifications=1"
    )
    # The server delivers personal signals only to polls that ask for signals.
    assert "notifications" not in poll_target("q", 0, None, notifications=True)


def test_poll_answers_and_what_they_mean():
    events = [event(3)]
    answer = {"events": events, "last_event_id": 4}
    assert read_poll_answer(200, answer) == (protocol.DELIVER, events, 4)
    assert read_poll_answer(200, {"catchup_required": True, "last_event_id": 2}) == (
        protocol.CATCHUP,
        [],
        2,
    )
    assert read_poll_answer(200, {"catchup_required": True}) == (protocol.CATCHUP, [], None)
    assert [read_poll_answer(status, {"message": "x"})[0] for status in (404, 400)] == [
        protocol.REGISTER,
        protocol.REGISTER,
    ]
    outages = (200, 429, 502, 503)  # a 200 that is not JSON comes from a proxy, not the server
    assert [read_poll_answer(status, None)[0] for status in outages] == [protocol.RETRY] * 4
    assert [read_poll_answer(status, {"message": "x"})[0] for status in (401, 403, 413)] == [
        protocol.FAIL
    ] * 3


def test_retry_after_only_from_429_and_503_in_seconds():
    assert retry_after(429, "30") == 30.0
    assert retry_after(503, "2") == 2.0
    assert retry_after(500, "30") is None
    assert retry_after(429, None) is None
    assert retry_after(429, "Wed, 21 Oct 2015 07:28:00 GMT") is None
