from itertools import islice

from marginalia_client.backoff import full_jitter_delays, is_transient
from marginalia_client.ordering import unseen_in_order

from .fakes import event


def test_backoff_ceiling_doubles_from_base_to_cap():
    delays = full_jitter_delays(base=1.0, cap=30.0, random=lambda: 1.0)
    assert list(islice(delays, 7)) == [1, 2, 4, 8, 16, 30, 30]


def test_backoff_delay_is_a_random_fraction_of_the_ceiling():
    fractions = iter([0.0, 0.25, 0.5])
    delays = full_jitter_delays(base=2.0, cap=30.0, random=lambda: next(fractions))
    assert list(islice(delays, 3)) == [0.0, 1.0, 4.0]


def test_backoff_never_overflows_in_a_long_outage():
    delays = full_jitter_delays(base=1.0, cap=30.0, random=lambda: 1.0)
    assert list(islice(delays, 5000))[-1] == 30.0


def test_base_above_cap_is_capped():
    assert next(full_jitter_delays(base=60.0, cap=30.0, random=lambda: 1.0)) == 30.0


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
