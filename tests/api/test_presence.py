"""Presence, typing and notification preferences through the real URL routing,
against a private redis-server: who may call them, what they answer, and what
they publish to the signal stream (never to the event log or the database)."""

import json

from realtime_core import keys
from realtime_core.signals import PRESENCE_NAMES_LIMIT, Signals

from .support import assert_json_error, db_snapshot

TAB = "tab-aaaaaaaa"


def published(signal_redis) -> list[dict]:
    return [json.loads(fields[b"body"]) for _, fields in signal_redis.xrange(keys.SIGNALS)]


def report(api, lab, person, tab=TAB, visible=True, **overrides):
    payload = {
        "community_id": lab.community.id,
        "article_id": lab.article.id,
        "tab_id": tab,
        "visible": visible,
        **overrides,
    }
    return api.post("/api/realtime/presence", payload, as_=person)


def test_presence_counts_members_not_tabs_and_publishes_only_changes(api, lab, signal_redis):
    first = report(api, lab, lab.member)
    assert first.status_code == 200, first.content
    assert first.json()["count"] == 1
    assert first.json()["members"] == [
        {"id": lab.member.id, "username": lab.member.username, "profile_pic_url": None}
    ]

    second_tab = report(api, lab, lab.member, tab="tab-bbbbbbbb").json()
    assert second_tab["count"] == 1
    assert second_tab["version"] == first.json()["version"]  # nothing changed, nothing sent
    heartbeat = report(api, lab, lab.member).json()
    assert heartbeat["changed"] is False and heartbeat["count"] is None

    both = report(api, lab, lab.author).json()
    assert both["count"] == 2
    assert {m["id"] for m in both["members"]} == {lab.member.id, lab.author.id}

    report(api, lab, lab.member, visible=False)
    assert report(api, lab, lab.member, tab="tab-bbbbbbbb", visible=False).json()["count"] == 1

    counts = [s["data"]["count"] for s in published(signal_redis)]
    assert counts == [1, 2, 1]
    assert all(s["type"] == "presence" for s in published(signal_redis))
    assert not signal_redis.exists(keys.LOG)  # signals never enter the event log


def test_an_expired_tab_stops_counting(api, lab, signal_redis):
    report(api, lab, lab.member)
    # As if the tab had vanished without a goodbye long ago.
    signal_redis.zadd(
        keys.presence(lab.community.id, lab.article.id),
        {f"{lab.member.id}:{TAB}:{lab.member.username}": 1},
    )
    assert report(api, lab, lab.author).json()["count"] == 1


def test_snapshot_names_are_capped_but_the_count_is_exact(lab, signal_redis):
    signals = Signals(signal_redis)
    for user_id in range(1, PRESENCE_NAMES_LIMIT + 6):
        snapshot = signals.presence(
            lab.community.id, lab.article.id, user_id, f"user{user_id}", TAB, True, now=1000.0
        )
    assert snapshot.body["data"]["count"] == PRESENCE_NAMES_LIMIT + 5
    assert len(snapshot.body["data"]["members"]) == PRESENCE_NAMES_LIMIT


def test_a_snapshot_is_the_presence_signal_clients_read_even_when_nobody_is_left(lab, signal_redis):
    signals = Signals(signal_redis)
    name = 'Zoë "quoted" \\ back'
    here = signals.presence(lab.community.id, lab.article.id, 7, name, TAB, True, now=1000.0)
    gone = signals.presence(lab.community.id, lab.article.id, 7, name, TAB, False, now=1001.0)
    place = {"community_id": lab.community.id, "article_id": lab.article.id}
    assert here.body == {
        "type": "presence",
        "data": {
            **place,
            "count": 1,
            "members": [{"id": 7, "username": name, "profile_pic_url": None}],
        },
    }
    assert gone.body == {"type": "presence", "data": {**place, "count": 0, "members": []}}
    assert published(signal_redis) == [here.body, gone.body]


def test_typing_is_throttled_and_names_the_pseudonym_when_the_reply_is_pseudonymous(
    api, lab, signal_redis
):
    payload = {
        "community_id": lab.community.id,
        "article_id": lab.article.id,
        "discussion_id": lab.discussion.id,
        "pseudonymous": True,
    }
    assert api.post("/api/realtime/typing", payload, as_=lab.member).json() == {"published": True}
    assert api.post("/api/realtime/typing", payload, as_=lab.member).json() == {"published": False}
    [signal] = published(signal_redis)
    user = signal["data"]["user"]
    assert user["id"] is None and user["is_pseudonymous"] is True
    assert user["username"] != lab.member.username
    assert lab.member.username not in json.dumps(signal)
    assert signal["data"]["discussion_id"] == lab.discussion.id
    assert 0 < signal["data"]["expires_in"] <= 10


def test_typing_under_the_real_name(api, lab, signal_redis):
    payload = {
        "community_id": lab.community.id,
        "article_id": lab.article.id,
        "discussion_id": lab.discussion.id,
    }
    assert api.post("/api/realtime/typing", payload, as_=lab.author).status_code == 200
    [signal] = published(signal_redis)
    assert signal["data"]["user"] == {
        "id": lab.author.id,
        "username": lab.author.username,
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }


def test_refusals_are_json_and_write_nothing(api, lab, make_lab, signal_redis):
    public = make_lab("public")
    before = db_snapshot()
    assert_json_error(report(api, lab, lab.outsider), 403)
    assert_json_error(report(api, lab, None), 401)
    assert_json_error(report(api, lab, lab.member, tab="x"), 400)
    assert_json_error(report(api, lab, lab.member, tab="bad:tab-id"), 400)
    assert_json_error(report(api, lab, lab.member, community_id=10**12), 404)
    assert_json_error(report(api, lab, lab.member, article_id=10**12), 404)
    assert_json_error(report(api, lab, lab.member, article_id="one"), 422)
    assert_json_error(api.request("POST", "/api/realtime/presence", lab.member, body=b"{"), 400)
    refusal = assert_json_error(report(api, public, public.member), 400)
    assert "private" in refusal["message"]
    typing = {
        "community_id": lab.community.id,
        "article_id": lab.article.id,
        "discussion_id": public.discussion.id,
    }
    assert_json_error(api.post("/api/realtime/typing", typing, as_=lab.member), 404)
    typing["discussion_id"] = lab.discussion.id
    assert_json_error(api.post("/api/realtime/typing", typing, as_=lab.outsider), 403)
    public_typing = {
        "community_id": public.community.id,
        "article_id": public.article.id,
        "discussion_id": public.discussion.id,
    }
    assert_json_error(api.post("/api/realtime/typing", public_typing, as_=public.member), 400)
    assert published(signal_redis) == []
    assert db_snapshot() == before


def test_notification_preferences_default_off_and_follow_the_user(api, lab):
    path = "/api/me/notification-preferences"

    def switches(response):
        return {name: response.json()[name] for name in ("desktop", "sound")}

    assert switches(api.get(path, as_=lab.member)) == {"desktop": False, "sound": False}
    changed = api.request("PUT", path, lab.member, json={"sound": True})
    assert switches(changed) == {"desktop": False, "sound": True}
    api.request("PUT", path, lab.member, json={"desktop": True})
    assert switches(api.get(path, as_=lab.member)) == {"desktop": True, "sound": True}
    assert switches(api.get(path, as_=lab.author)) == {"desktop": False, "sound": False}
    assert_json_error(api.get(path), 401)
    assert_json_error(api.request("PUT", path, lab.member, json={"sound": "loud"}), 422)
