"""How a person hears of each kind of inbox line: in the inbox, on the desktop, by a
sound; and that turning the inbox off for a kind stops its lines and signals without
making a write or a delivery cost more."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Membership
from notifications.delivery import deliver_pending
from notifications.models import Notification
from realtime_core import keys

from .support import assert_json_error, unique

PATH = "/api/me/notification-preferences"
DEFAULT = {"inbox": True, "desktop": False, "sound": False}
GROUPS = ("replies", "mentions", "discussions", "comments", "membership")


def recipients_of_notification_signals(signal_redis) -> list[int]:
    return [
        user_id
        for _, fields in signal_redis.xrange(keys.SIGNALS)
        for user_id in json.loads(fields[b"meta"])["recipients"]
        if json.loads(fields[b"body"])["type"] == "notification"
    ]


def comment(api, lab, person, content="A comment") -> None:
    response = api.post(
        f"/api/discussions/{lab.discussion.id}/comments", {"content": content}, as_=person
    )
    assert response.status_code == 201, response.content


def test_every_group_has_the_defaults_until_chosen(api, lab):
    body = api.get(PATH, as_=lab.member).json()
    assert body == {"desktop": False, "sound": False, "kinds": {group: DEFAULT for group in GROUPS}}


def test_a_change_keeps_what_it_does_not_name(api, lab):
    api.request("PUT", PATH, lab.member, json={"sound": True})
    changed = api.request(
        "PUT", PATH, lab.member, json={"kinds": {"replies": {"desktop": True}}}
    ).json()
    assert changed["sound"] is True and changed["desktop"] is False
    assert changed["kinds"]["replies"] == {"inbox": True, "desktop": True, "sound": False}
    api.request(
        "PUT",
        PATH,
        lab.member,
        json={"kinds": {"replies": {"inbox": False}, "membership": {"sound": True}}},
    )
    kinds = api.get(PATH, as_=lab.member).json()["kinds"]
    assert kinds["replies"] == {"inbox": False, "desktop": True, "sound": False}
    assert kinds["membership"] == {"inbox": True, "desktop": False, "sound": True}
    assert kinds["mentions"] == DEFAULT
    # Another person's choices are their own.
    assert api.get(PATH, as_=lab.author).json()["kinds"]["replies"] == DEFAULT


@pytest.mark.parametrize(
    "body",
    [
        {"kinds": {"likes": {"inbox": False}}},
        {"kinds": {"replies": {"email": True}}},
        {"kinds": {"replies": {"inbox": "sometimes"}}},
        {"kinds": {"replies": True}},
        {"kinds": ["replies"]},
    ],
)
def test_unknown_kinds_and_channels_are_a_422(api, lab, body):
    assert_json_error(api.request("PUT", PATH, lab.member, json=body), 422)
    assert api.get(PATH, as_=lab.member).json()["kinds"]["replies"] == DEFAULT


def test_inbox_off_for_a_kind_means_no_line_and_no_signal(api, lab, signal_redis):
    api.request("PUT", PATH, lab.author, json={"kinds": {"replies": {"inbox": False}}})
    api.request("PUT", f"/api/discussions/{lab.discussion.id}/follow", lab.moderator)
    comment(api, lab, lab.member, "A reply the author chose not to hear of")
    deliver_pending()
    assert not Notification.objects.filter(user=lab.author.user).exists()
    assert Notification.objects.filter(user=lab.moderator.user, kind="comments").exists()
    told = recipients_of_notification_signals(signal_redis)
    assert lab.moderator.id in told and lab.author.id not in told
    # A mention is another kind: it still reaches them.
    comment(api, lab, lab.member, f"@{lab.author.username}, see this")
    deliver_pending()
    assert list(
        Notification.objects.filter(user=lab.author.user).values_list("kind", flat=True)
    ) == ["mention"]


def test_comments_off_leaves_the_gathered_line_as_it_was(api, lab):
    api.request("PUT", f"/api/discussions/{lab.discussion.id}/follow", lab.moderator)
    comment(api, lab, lab.member, "Heard")
    deliver_pending()
    api.request("PUT", PATH, lab.moderator, json={"kinds": {"comments": {"inbox": False}}})
    comment(api, lab, lab.member, "Not heard")
    deliver_pending()
    [line] = Notification.objects.filter(user=lab.moderator.user)
    assert (line.kind, line.count) == ("comments", 1)


def _write_and_delivery_queries(api, lab) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as writing:
        comment(api, lab, lab.member, "Counted")
    with CaptureQueriesContext(connection) as delivering:
        deliver_pending()
    return len(writing), len(delivering)


def test_choices_cost_neither_the_write_nor_the_delivery_a_query_per_person(api, lab, make_user):
    # One follower with an unread line already: both deliveries gather and replace.
    api.request("PUT", f"/api/discussions/{lab.discussion.id}/follow", lab.moderator)
    comment(api, lab, lab.member, "First")
    deliver_pending()
    without_choices = _write_and_delivery_queries(api, lab)
    for n in range(30):
        follower = make_user(unique("chooser"))
        Membership.objects.create(community=lab.community, user=follower.user)
        api.request("PUT", f"/api/discussions/{lab.discussion.id}/follow", follower)
        api.request(
            "PUT",
            PATH,
            follower,
            json={"kinds": {"comments": {"inbox": n % 2 == 0, "sound": True}}},
        )
    with_choices = _write_and_delivery_queries(api, lab)
    assert with_choices == without_choices
    told = Notification.objects.filter(kind="comments", user__username__startswith="chooser")
    assert told.count() == 15


def test_a_membership_change_kept_out_of_the_inbox_still_reaches_open_pages(
    api, lab, make_user, signal_redis
):
    added = make_user(unique("added"))
    api.request("PUT", PATH, added, json={"kinds": {"membership": {"inbox": False}}})
    response = api.post(
        f"/api/communities/{lab.community.id}/members",
        {"username": added.username, "role": "member"},
        as_=lab.admin,
    )
    assert response.status_code == 201
    deliver_pending()
    assert not Notification.objects.filter(user=added.user).exists()
    # Its pages show the new membership at once; the unread count stays as it was.
    [body] = [
        json.loads(fields[b"body"])
        for _, fields in signal_redis.xrange(keys.SIGNALS)
        if json.loads(fields[b"meta"])["recipients"] == [added.id]
    ]
    assert (body["data"]["kind"], body["data"]["adds_unread"]) == ("added", False)
