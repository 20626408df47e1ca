"""Invite links: admins create and revoke them; a signed-in user who holds one
joins; expired, revoked and used-up links say so; the token is never stored
nor logged as it is."""

import logging
from datetime import timedelta

from django.utils import timezone

from communities.models import Invite, Membership

from .support import assert_json_error


def _create(api, lab, **body):
    response = api.post(f"/api/communities/{lab.community.id}/invites", body, as_=lab.admin)
    assert response.status_code == 201, response.content
    return response.json()


def _accept(api, token, as_):
    return api.post("/api/communities/invites/accept", {"token": token}, as_=as_)


def _is_member(lab, person) -> bool:
    return Membership.objects.filter(community=lab.community, user=person.user).exists()


def test_a_signed_in_user_joins_with_an_invite_link(api, lab, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    invite = _create(api, lab, expires_in_hours=24)
    assert invite["max_uses"] is None and invite["uses"] == 0
    assert invite["created_by"]["id"] == lab.admin.id
    assert len(invite["token"]) >= 43  # 256 random bits in base64url

    preview = api.post("/api/communities/invites/preview", {"token": invite["token"]}).json()
    assert preview["community"]["name"] == lab.community.name
    assert preview["community"]["my_role"] is None

    response = _accept(api, invite["token"], lab.outsider)

    assert response.status_code == 200
    assert response.json()["id"] == lab.community.id
    assert response.json()["my_role"] == "member"
    assert _is_member(lab, lab.outsider)
    assert outbox.memberships() == [
        {
            "type": "membership",
            "community_id": lab.community.id,
            "user_id": lab.outsider.id,
            "is_member": True,
        }
    ]
    listed = api.get(f"/api/communities/{lab.community.id}/invites", as_=lab.admin).json()
    assert [(i["id"], i["uses"]) for i in listed] == [(invite["id"], 1)]
    assert "token" not in listed[0]
    assert not Invite.objects.filter(token_hash=invite["token"]).exists()  # stored hashed
    assert invite["token"] not in caplog.text
    assert_json_error(_accept(api, invite["token"], lab.outsider), 409)


def test_a_used_up_link_says_so(api, lab, make_user):
    invite = _create(api, lab, max_uses=1)
    assert _accept(api, invite["token"], lab.outsider).status_code == 200

    late = make_user()
    body = assert_json_error(_accept(api, invite["token"], late), 410)
    assert "used up" in body["message"]
    assert not _is_member(lab, late)
    assert api.get(f"/api/communities/{lab.community.id}/invites", as_=lab.admin).json() == []


def test_an_expired_link_says_so(api, lab):
    invite = _create(api, lab, expires_in_hours=1)
    Invite.objects.filter(pk=invite["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))

    body = assert_json_error(_accept(api, invite["token"], lab.outsider), 410)
    assert "expired" in body["message"]
    preview = api.post("/api/communities/invites/preview", {"token": invite["token"]})
    assert "expired" in assert_json_error(preview, 410)["message"]
    assert not _is_member(lab, lab.outsider)


def test_a_revoked_link_says_so(api, lab):
    invite = _create(api, lab)
    url = f"/api/communities/{lab.community.id}/invites/{invite['id']}"

    assert api.delete(url, as_=lab.admin).status_code == 204

    body = assert_json_error(_accept(api, invite["token"], lab.outsider), 410)
    assert "revoked" in body["message"]
    assert not _is_member(lab, lab.outsider)
    assert_json_error(api.delete(url, as_=lab.admin), 409)
    assert api.get(f"/api/communities/{lab.community.id}/invites", as_=lab.admin).json() == []


def test_unknown_tokens_and_other_communities_invites_are_not_found(api, lab, make_lab):
    assert_json_error(_accept(api, "no-such-token", lab.outsider), 404)
    assert_json_error(api.post("/api/communities/invites/preview", {"token": "nope"}), 404)
    other = make_lab()
    invite = _create(api, other)
    # An admin of one community cannot revoke another's invite through their own.
    assert_json_error(
        api.delete(f"/api/communities/{lab.community.id}/invites/{invite['id']}", as_=lab.admin),
        404,
    )


def test_bad_invite_input_is_a_422(api, lab):
    url = f"/api/communities/{lab.community.id}/invites"
    for body in (
        {"expires_in_hours": 0},
        {"expires_in_hours": 721},
        {"max_uses": 0},
        {"max_uses": "many"},
    ):
        assert_json_error(api.post(url, body, as_=lab.admin), 422)
    for body in ({}, {"token": ""}, {"token": "x" * 129}):
        assert_json_error(api.post("/api/communities/invites/accept", body, as_=lab.outsider), 422)
    assert Invite.objects.count() == 0


def test_invite_and_community_writes_count_against_the_write_limit(settings, api, lab):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "writes_per_user": "3/minute"}
    invite = _create(api, lab)
    assert (
        api.patch(
            f"/api/communities/{lab.community.id}", {"description": "New"}, as_=lab.admin
        ).status_code
        == 200
    )
    assert (
        api.delete(
            f"/api/communities/{lab.community.id}/invites/{invite['id']}", as_=lab.admin
        ).status_code
        == 204
    )

    refused = api.post(f"/api/communities/{lab.community.id}/invites", {}, as_=lab.admin)
    assert_json_error(refused, 429)
    assert refused["Retry-After"]
    assert Invite.objects.count() == 1
