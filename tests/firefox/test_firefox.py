"""The seed's must-haves in Firefox ESR: another member's writes within a second, the
connection indicator through an outage, and two tabs sharing one long poll."""

import re
import time

import pytest

WITHIN_MS = 1000  # the seed's "instantly"

pytestmark = pytest.mark.timeout(150)


def timed(write) -> dict:
    """What a scenario needs of a write: its id, and when it was sent, on the clock of
    Date.now() in the page. Sent, not answered: the event often reaches the page before
    the API's answer reaches the test, so the time from the answer would be below zero."""
    sent_at = time.time() * 1000
    return {"id": write()["id"], "sent_at": sent_at}


def discussion_by(api, lab):
    """Answers a scenario's "discussion" with one the lab's admin starts through the API."""
    return lambda details: timed(
        lambda: api.discussion(
            lab["admin"], lab["community"]["id"], lab["article"]["id"], **details
        )
    )


def comment_by(api, lab):
    """Answers a scenario's "comment" with one the lab's admin writes through the API."""
    return lambda details: timed(
        lambda: api.comment(lab["admin"], details["discussion_id"], details["content"])
    )


def test_another_members_discussion_and_comment_within_a_second(run_in_firefox, api, lab):
    result = run_in_firefox(
        "live_writes.mjs",
        {
            "discussion": discussion_by(api, lab),
            "comment": comment_by(api, lab),
        },
    )
    print(f"discussion: {result['discussion_ms']} ms, comment: {result['comment_ms']} ms")
    assert result["discussion_ms"] < WITHIN_MS
    assert result["comment_ms"] < WITHIN_MS
    assert result["discussion_content"] == "Is n = 12 enough for the claim in figure 3?"
    assert result["comments_title"] == "1 comment"
    assert result["errors"] == []


def test_connection_indicator_through_a_poll_server_outage(run_in_firefox, api, stack, lab):
    write_discussion = discussion_by(api, lab)

    def stop_poll_server(_details):
        stack.stop_process("poll")
        return {}

    def write_and_start_poll_server(details):
        write_discussion(details)
        stack.start_poll_server()
        return {}

    try:
        result = run_in_firefox(
            "outage.mjs",
            {
                "stop the poll server": stop_poll_server,
                "write and start the poll server": write_and_start_poll_server,
                "discussion": write_discussion,
            },
        )
    finally:
        if "poll" not in stack.processes:  # the scenario failed during the outage
            stack.start_poll_server()
    assert result["while_down"]["label"] == "Reconnecting"
    assert re.fullmatch(r"in \d+ s|now…", result["while_down"]["countdown"])
    assert result["back"] == "Live"
    # Firefox reports every request the stopped poll server refused (polls, health checks)
    # as an error of the page, though the client handles them (Chromium only logs them);
    # any other error is the page's.
    refused = f"remote resource at {stack.poll_url}/"
    assert [
        error
        for error in result["errors"]
        if not (refused in error and "(Reason: CORS request did not succeed)" in error)
    ] == []


def test_two_tabs_share_one_long_poll(run_in_firefox, api, lab):
    result = run_in_firefox(
        "two_tabs.mjs",
        {
            "discussion": discussion_by(api, lab),
            "comment": comment_by(api, lab),
        },
    )
    assert result["roles"] == {"first": "leader", "second": "follower"}
    assert result["before_handover"] == {"polled": ["first"], "in_flight": 1}
    after = result["after_handover"]
    assert after["polled"] == ["second"] and after["in_flight"] == 1
    # Within about a second here; the bound is generous for a loaded machine.
    assert after["first_poll_ms"] < 10_000
    assert result["most_in_flight"] == 1
    assert result["errors"] == []
