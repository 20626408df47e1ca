"""Two admins acting on one community at the same moment, through the real API server:
the rules that hold one request at a time (the last admin stays, a request is decided
once) hold when the requests race, whichever commits first."""

import concurrent.futures

import pytest

from tests.support.stack import wait_until

# Each race runs this often, on a fresh community; unguarded, nearly every round broke.
each_round = pytest.mark.parametrize("round_", range(6))


def at_once(api, *requests):
    """Send the requests, (method, path, account[, body]), together: their status codes."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(requests)) as pool:
        sent = [pool.submit(api.call, *request) for request in requests]
        return [future.result().status_code for future in sent]


def roles(api, reader, community_id):
    members = api.call("GET", f"/api/communities/{community_id}/members", reader, expect=200)
    return {member["user"]["username"]: member["role"] for member in members.json()}


@pytest.fixture
def two_admins(api):
    first, second = api.signup("first"), api.signup("second")
    community = api.community(first)
    api.add_member(first, community["id"], second, role="admin")
    return community["id"], first, second


@each_round
def test_two_admins_demoting_each_other_leave_one_admin(api, two_admins, round_):
    cid, first, second = two_admins
    members = f"/api/communities/{cid}/members"
    statuses = at_once(
        api,
        ("PATCH", f"{members}/{second.id}", first, {"role": "member"}),
        ("PATCH", f"{members}/{first.id}", second, {"role": "member"}),
    )
    # The later one was made by someone who is no longer an admin.
    assert sorted(statuses) == [200, 403]
    assert sorted(roles(api, first, cid).values()) == ["admin", "member"]


@each_round
def test_two_admins_leaving_at_once_leave_one_admin(api, two_admins, round_):
    cid, first, second = two_admins
    leave = f"/api/communities/{cid}/leave"
    statuses = at_once(api, ("POST", leave, first), ("POST", leave, second))
    assert sorted(statuses) == [204, 409]
    stayed = first if statuses[0] == 409 else second
    assert roles(api, stayed, cid) == {stayed.username: "admin"}


@each_round
def test_a_join_request_approved_and_rejected_at_once_is_decided_once(api, two_admins, round_):
    cid, first, second = two_admins
    applicant = api.signup("applicant")
    api.call("POST", f"/api/communities/{cid}/join", applicant, expect=202)
    [pending] = api.call("GET", f"/api/communities/{cid}/requests", first, expect=200).json()
    decision = f"/api/communities/{cid}/requests/{pending['id']}"
    statuses = at_once(
        api, ("POST", f"{decision}/approve", first), ("POST", f"{decision}/reject", second)
    )
    assert sorted(statuses) == [204, 409]
    approved = statuses[0] == 204
    assert (applicant.username in roles(api, first, cid)) == approved
    # The applicant is told once, of the decision that stands (the relay writes the line).
    lines = wait_until(
        lambda: api.call("GET", "/api/notifications", applicant, expect=200).json()["items"],
        message="the applicant's notification",
    )
    assert [line["kind"] for line in lines] == ["join_approved" if approved else "join_rejected"]
