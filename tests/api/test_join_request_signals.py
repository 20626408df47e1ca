"""Requests to join reach the admins' open pages live: every change to a private
community's pending requests publishes one `join_requests` signal, once the
change is committed, addressed to the admins and naming no one."""

import json

import redis

from communities.models import JoinRequest
from realtime import connection
from realtime_core import keys


def published(signal_redis, type_="join_requests") -> list[tuple[dict, dict]]:
    """The signals of one type in the stream (a membership change also says the count)."""
    signals = [
        (json.loads(fields[b"meta"]), json.loads(fields[b"body"]))
        for _, fields in signal_redis.xrange(keys.SIGNALS)
    ]
    return [(meta, body) for meta, body in signals if meta["type"] == type_]


def test_filing_and_deciding_requests_signal_the_admins_after_commit(
    api, lab, make_user, signal_redis, django_capture_on_commit_callbacks
):
    cid = lab.community.id
    second = make_user()
    with django_capture_on_commit_callbacks(execute=False) as uncommitted:
        assert api.post(f"/api/communities/{cid}/join", as_=lab.outsider).status_code == 202
    assert published(signal_redis) == []  # nothing before the request is committed
    for callback in uncommitted:
        callback()
    first_request = JoinRequest.objects.get(user=lab.outsider.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/communities/{cid}/join", as_=second).status_code == 202
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api.post(
                f"/api/communities/{cid}/requests/{first_request.id}/approve", as_=lab.admin
            ).status_code
            == 204
        )
    second_request = JoinRequest.objects.get(user=second.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api.post(
                f"/api/communities/{cid}/requests/{second_request.id}/reject", as_=lab.admin
            ).status_code
            == 204
        )

    signals = published(signal_redis)
    assert [body["data"]["pending"] for _, body in signals] == [1, 2, 1, 0]
    for meta, body in signals:
        assert meta == {
            "type": "join_requests",
            "community_id": cid,
            "author_id": 0,
            "recipients": [lab.admin.id],
        }
        assert body == {
            "type": "join_requests",
            "data": {"community_id": cid, "pending": body["data"]["pending"]},
        }
    names = {lab.outsider.username, second.username}
    assert not any(name in json.dumps(signals) for name in names)  # names no one
    assert not signal_redis.exists(keys.LOG)  # a signal, never an event


def test_adding_a_requester_directly_closes_the_request_with_a_signal(
    api, lab, signal_redis, make_join_request, django_capture_on_commit_callbacks
):
    make_join_request(lab.community, lab.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/communities/{lab.community.id}/members",
            {"username": lab.outsider.username},
            as_=lab.admin,
        )
    assert response.status_code == 201
    assert [body["data"]["pending"] for _, body in published(signal_redis)] == [0]


def test_a_write_succeeds_when_the_signal_cannot_be_sent(
    api, lab, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable():
        raise redis.ConnectionError("Redis is away")

    monkeypatch.setattr(connection, "signals", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/communities/{lab.community.id}/join", as_=lab.outsider)
    assert response.status_code == 202
    assert JoinRequest.objects.filter(user=lab.outsider.user, status="pending").exists()


def test_joins_and_removals_tell_the_members_how_many_they_are(
    api, lab, make_community, signal_redis, django_capture_on_commit_callbacks
):
    cid, before = lab.community.id, lab.community.memberships.count()
    with django_capture_on_commit_callbacks(execute=False) as uncommitted:
        assert (
            api.post(
                f"/api/communities/{cid}/members",
                {"username": lab.outsider.username},
                as_=lab.admin,
            ).status_code
            == 201
        )
    assert published(signal_redis, "members") == []  # nothing before the commit
    for callback in uncommitted:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api.delete(f"/api/communities/{cid}/members/{lab.member.id}", as_=lab.admin).status_code
            == 204
        )
    signals = published(signal_redis, "members")
    assert [body["data"]["member_count"] for _, body in signals] == [before + 1, before]
    for meta, body in signals:
        # To every member of the community (no recipients), naming no one.
        assert meta == {"type": "members", "community_id": cid, "author_id": 0}
        assert body["data"]["community_id"] == cid
    # A public community's memberships are not followed by poll servers: no signal.
    public = make_community("public", lab.admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/communities/{public.id}/join", as_=lab.outsider).status_code == 200
    assert len(published(signal_redis, "members")) == 2
