"""Deactivating or deleting a user records one revocation with the change (accounts.revocation)."""

import json

import pytest
from django.db import transaction

from accounts.models import User


def _revoked_user_ids(outbox) -> list[int]:
    return [
        json.loads(row.meta)["user_id"]
        for row in outbox.rows()
        if json.loads(row.meta)["type"] == "revocation"
    ]


def test_deactivating_records_one_revocation_and_other_saves_none(make_user, outbox):
    person = make_user()
    person.user.first_name = "Ada"
    person.user.save()  # an active user's save ends nothing
    assert _revoked_user_ids(outbox) == []
    person.user.is_active = False
    person.user.save()
    person.user.save()  # already inactive: nothing more to end
    assert _revoked_user_ids(outbox) == [person.user.id]
    [row] = outbox.rows()
    assert (row.member_user_id, row.member_community_id) == (person.user.id, None)


def test_deleting_records_a_revocation_and_a_failed_deactivation_none(make_user, outbox):
    person, other = make_user(), make_user()
    with transaction.atomic():
        User.objects.filter(pk=person.user.pk).delete()
    assert _revoked_user_ids(outbox) == [person.user.id]
    with pytest.raises(RuntimeError), transaction.atomic():
        other.user.is_active = False
        other.user.save()
        raise RuntimeError("the deactivation's transaction fails")
    assert _revoked_user_ids(outbox) == [person.user.id]  # rolled back with the change
