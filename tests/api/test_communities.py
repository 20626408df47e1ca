"""Communities and membership: create, join, request and decide, add,
remove, leave, and the last admin rule."""

from communities.models import JoinRequest, Membership

from .support import assert_json_error


def _role(community, person):
    return (
        Membership.objects.filter(community=community, user=person.user)
        .values_list("role", flat=True)
        .first()
    )


def _community(api, community, as_):
    return api.get(f"/api/communities/{community.id}", as_=as_).json()


def test_creator_becomes_admin(api, make_user):
    creator = make_user()
    response = api.post(
        "/api/communities",
        {"name": "Reading Group", "type": "private", "description": "Papers on Fridays"},
        as_=creator,
    )
    assert response.status_code == 201
    community = response.json()
    assert (community["name"], community["slug"], community["type"]) == (
        "Reading Group",
        "reading-group",
        "private",
    )
    assert community["my_role"] == "admin"
    assert community["member_count"] == 1
    mine = api.get("/api/communities?mine=true", as_=creator).json()
    assert [c["id"] for c in mine] == [community["id"]]
    assert api.get("/api/communities?mine=true", as_=make_user()).json() == []


def test_mine_false_lists_the_communities_the_caller_is_not_in(api, make_community, make_user):
    member, outsider = make_user(), make_user()
    joined, other = make_community("private", member), make_community("public", make_user())
    listed = api.get("/api/communities?mine=false", as_=member).json()
    assert other.id in [c["id"] for c in listed]
    assert joined.id not in [c["id"] for c in listed]
    # Without a caller nothing is theirs: every community is listed.
    anonymous = [c["id"] for c in api.get("/api/communities?mine=false").json()]
    assert {joined.id, other.id} <= set(anonymous)
    assert joined.id in [
        c["id"] for c in api.get("/api/communities?mine=false", as_=outsider).json()
    ]


def test_join_a_public_community_at_once(api, make_community, make_user, outbox):
    community = make_community("public", make_user())
    joiner = make_user()

    response = api.post(f"/api/communities/{community.id}/join", as_=joiner)

    assert response.status_code == 200
    assert response.json() == {"status": "joined", "role": "member"}
    assert _role(community, joiner) == "member"
    assert _community(api, community, joiner)["my_role"] == "member"
    assert outbox.rows() == []  # public communities have no realtime events


def test_private_join_request_approved_by_an_admin(api, lab, outbox):
    cid = lab.community.id
    applicant = lab.outsider

    response = api.post(f"/api/communities/{cid}/join", as_=applicant)
    assert response.status_code == 202
    assert response.json() == {"status": "requested", "role": None}
    assert _community(api, lab.community, applicant)["join_requested"] is True
    assert _role(lab.community, applicant) is None
    assert_json_error(api.post(f"/api/communities/{cid}/join", as_=applicant), 409)

    requests = api.get(f"/api/communities/{cid}/requests", as_=lab.admin).json()
    assert [(r["user"]["id"], r["status"]) for r in requests] == [(applicant.id, "pending")]
    request_id = requests[0]["id"]
    response = api.post(f"/api/communities/{cid}/requests/{request_id}/approve", as_=lab.admin)

    assert response.status_code == 204
    assert _role(lab.community, applicant) == "member"
    assert JoinRequest.objects.get(pk=request_id).status == "approved"
    assert api.get(f"/api/communities/{cid}/requests", as_=lab.admin).json() == []
    assert api.get(f"/api/discussions/{lab.discussion.id}", as_=applicant).status_code == 200
    assert outbox.memberships() == [
        {"type": "membership", "community_id": cid, "user_id": applicant.id, "is_member": True}
    ]
    assert_json_error(
        api.post(f"/api/communities/{cid}/requests/{request_id}/reject", as_=lab.admin), 409
    )


def test_private_join_request_rejected_by_an_admin(api, lab, outbox):
    cid = lab.community.id
    api.post(f"/api/communities/{cid}/join", as_=lab.outsider)
    request_id = JoinRequest.objects.get(user=lab.outsider.user).id

    response = api.post(f"/api/communities/{cid}/requests/{request_id}/reject", as_=lab.admin)

    assert response.status_code == 204
    assert JoinRequest.objects.get(pk=request_id).status == "rejected"
    assert _role(lab.community, lab.outsider) is None
    assert_json_error(api.get(f"/api/discussions/{lab.discussion.id}", as_=lab.outsider), 404)
    assert outbox.rows() == []
    # A rejected request can be made again.
    assert api.post(f"/api/communities/{cid}/join", as_=lab.outsider).status_code == 202


def test_admin_adds_a_user_directly(api, lab, make_join_request):
    pending = make_join_request(lab.community, lab.outsider)
    response = api.post(
        f"/api/communities/{lab.community.id}/members",
        {"username": lab.outsider.username.upper(), "role": "moderator"},
        as_=lab.admin,
    )
    assert response.status_code == 201
    assert response.json()["user"] == {
        "id": lab.outsider.id,
        "username": lab.outsider.username,
        "profile_pic_url": None,
    }
    assert response.json()["role"] == "moderator"
    assert _role(lab.community, lab.outsider) == "moderator"
    pending.refresh_from_db()
    assert pending.status == "approved"  # the pending request is settled too


def test_admin_removes_a_member(api, lab, outbox):
    url = f"/api/communities/{lab.community.id}/members/{lab.member.id}"
    assert api.delete(url, as_=lab.admin).status_code == 204
    assert _role(lab.community, lab.member) is None
    assert_json_error(api.get(f"/api/discussions/{lab.discussion.id}", as_=lab.member), 404)
    assert outbox.memberships()[-1]["is_member"] is False
    assert_json_error(api.delete(url, as_=lab.admin), 404)


def test_admin_changes_a_role(api, lab):
    url = f"/api/communities/{lab.community.id}/members/{lab.member.id}"
    response = api.patch(url, {"role": "moderator"}, as_=lab.admin)
    assert response.status_code == 200
    assert response.json()["role"] == "moderator"
    assert _role(lab.community, lab.member) == "moderator"


def test_member_leaves(api, lab):
    for leave in (
        lambda: api.post(f"/api/communities/{lab.community.id}/leave", as_=lab.member),
        lambda: api.delete(
            f"/api/communities/{lab.community.id}/members/{lab.author.id}", as_=lab.author
        ),
    ):
        assert leave().status_code == 204
    assert _role(lab.community, lab.member) is None
    assert _role(lab.community, lab.author) is None
    members = api.get(f"/api/communities/{lab.community.id}/members", as_=lab.admin).json()
    assert {m["user"]["id"] for m in members} == {lab.admin.id, lab.moderator.id}


def test_last_admin_cannot_leave_until_there_is_another(api, lab):
    cid = lab.community.id
    for attempt in (
        lambda: api.post(f"/api/communities/{cid}/leave", as_=lab.admin),
        lambda: api.delete(f"/api/communities/{cid}/members/{lab.admin.id}", as_=lab.admin),
        lambda: api.patch(
            f"/api/communities/{cid}/members/{lab.admin.id}", {"role": "member"}, as_=lab.admin
        ),
    ):
        assert_json_error(attempt(), 409)
        assert _role(lab.community, lab.admin) == "admin"

    api.patch(
        f"/api/communities/{cid}/members/{lab.moderator.id}", {"role": "admin"}, as_=lab.admin
    )
    assert api.post(f"/api/communities/{cid}/leave", as_=lab.admin).status_code == 204
    assert _role(lab.community, lab.admin) is None


def test_private_communities_show_only_their_card_to_outsiders(api, lab):
    card = _community(api, lab.community, None)
    assert card["name"] == lab.community.name
    assert card["my_role"] is None and card["join_requested"] is False
    by_slug = api.get(f"/api/communities/by-slug/{lab.community.slug}").json()
    assert by_slug == card


def test_what_a_private_community_shows_to_non_members(api, lab):
    lab.community.description = "Unannounced work on dendritic spikes"
    lab.community.save()
    cid = lab.community.id

    for caller in (None, lab.outsider):
        card = _community(api, lab.community, caller)
        assert card["name"] == lab.community.name
        assert card["description"] == "" and card["member_count"] is None
        listed = [c for c in api.get("/api/communities", as_=caller).json() if c["id"] == cid]
        assert listed == [card]
        assert_json_error(
            api.get(f"/api/communities/{cid}/members", as_=caller), 401 if caller is None else 403
        )
    member_view = _community(api, lab.community, lab.member)
    assert member_view["description"] == "Unannounced work on dendritic spikes"
    assert member_view["member_count"] == 4  # admin, moderator, member, author

    response = api.patch(f"/api/communities/{cid}", {"show_description": True}, as_=lab.admin)
    assert response.json()["show_description"] is True
    card = _community(api, lab.community, lab.outsider)
    assert card["description"] == "Unannounced work on dendritic spikes"
    assert card["member_count"] is None  # who and how many are inside stays for members


def test_public_communities_show_everything_to_everyone(api, make_community, make_user):
    community = make_community("public", make_user())
    community.description = "Open reading group"
    community.save()
    card = _community(api, community, None)
    assert (card["description"], card["member_count"]) == ("Open reading group", 1)


def test_admins_edit_name_description_and_its_visibility(api, lab):
    url = f"/api/communities/{lab.community.id}"
    response = api.patch(
        url,
        {"name": "Renamed Lab", "description": "New aims", "show_description": True},
        as_=lab.admin,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["description"], body["show_description"], body["slug"]) == (
        "Renamed Lab",
        "New aims",
        True,
        lab.community.slug,
    )
    # Fields left out stay as they are; bad values name the field.
    assert api.patch(url, {"description": ""}, as_=lab.admin).json()["name"] == "Renamed Lab"
    for bad, field in (
        ({"name": "ab"}, "name"),
        ({"name": None}, "name"),
        ({"description": "é" * 5001}, "description"),
    ):
        errors = assert_json_error(api.patch(url, bad, as_=lab.admin), 422)["errors"]
        assert errors[0]["loc"][-1] == field
    assert_json_error(api.patch(url, {"name": "Taken over"}, as_=lab.moderator), 403)


def test_admin_adds_a_member_by_username_and_an_address_tells_nothing(api, lab, make_user):
    newcomer = make_user()
    url = f"/api/communities/{lab.community.id}/members"
    by_address = api.post(url, {"username": newcomer.user.email.upper()}, as_=lab.admin)
    nobody = api.post(url, {"username": "nobody@example.org"}, as_=lab.admin)
    # A registered address and an unknown one get the same answer.
    assert assert_json_error(by_address, 404) == assert_json_error(nobody, 404)
    response = api.post(url, {"username": newcomer.user.username.upper()}, as_=lab.admin)
    assert response.status_code == 201
    assert response.json()["user"]["id"] == newcomer.id


def test_only_a_member_who_is_not_the_last_admin_can_leave(api, lab):
    assert _community(api, lab.community, lab.admin)["can_leave"] is False
    assert _community(api, lab.community, lab.member)["can_leave"] is True
    assert _community(api, lab.community, lab.outsider)["can_leave"] is False
    assert _community(api, lab.community, None)["can_leave"] is False
    api.patch(
        f"/api/communities/{lab.community.id}/members/{lab.moderator.id}",
        {"role": "admin"},
        as_=lab.admin,
    )
    assert _community(api, lab.community, lab.admin)["can_leave"] is True


def test_a_private_community_can_show_its_description_from_the_start(api, make_user):
    created = api.post(
        "/api/communities",
        {
            "name": "Open Aims",
            "type": "private",
            "description": "We read about sleep",
            "show_description": True,
        },
        as_=make_user(),
    ).json()
    assert created["show_description"] is True
    card = api.get(f"/api/communities/{created['id']}").json()
    assert (card["description"], card["member_count"]) == ("We read about sleep", None)


def test_members_whose_names_start_so_for_mention_suggestions(api, lab):
    base = f"/api/communities/{lab.community.id}/members"
    prefix = lab.moderator.username[:-1].upper()
    found = api.get(f"{base}?q={prefix}", as_=lab.member).json()
    assert [m["user"]["username"] for m in found] == [lab.moderator.username]
    assert api.get(f"{base}?q=zzz-nobody", as_=lab.member).json() == []
    for bad in ("%00", "a%20b", "x" * 151):
        assert api.get(f"{base}?q={bad}", as_=lab.member).status_code in (400, 422)
    # Outsiders learn no names of a private community.
    assert api.get(f"{base}?q={prefix}", as_=lab.outsider).status_code == 403
