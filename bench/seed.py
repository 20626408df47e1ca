"""Create the benchmark's users, private communities and memberships in bulk (ORM).

Run with the Stack's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, ...).
Signing up thousands of users through the API costs a password hash each, so the
users are bulk-inserted with an unusable password and a login each; the load
generator mints their access tokens, naming that login, with realtime_core.tokens
(the same code the API uses).
Prints JSON: {"communities": [{"id", "admin_id", "member_ids": [...]}, ...],
"logins": {user id: login id}}.
Usage: seed.py USERS COMMUNITY_SIZE
"""

import json
import sys
import uuid

import django

django.setup()

from django.db import transaction  # noqa: E402

from accounts.models import RefreshTokenFamily, User  # noqa: E402
from communities.models import Community, Membership  # noqa: E402


def main():
    n_users, size = int(sys.argv[1]), int(sys.argv[2])
    n_comm = (n_users + size - 1) // size
    with transaction.atomic():
        start = User.objects.count()
        users = User.objects.bulk_create(
            [
                User.unsaved(
                    f"bench{start + i}", email=f"bench{start + i}@example.org", password="!"
                )
                for i in range(n_users + n_comm)
            ],
            batch_size=2000,
        )
        logins = RefreshTokenFamily.objects.bulk_create(
            [
                RefreshTokenFamily(id=uuid.uuid4(), user=u, current_jti=uuid.uuid4().hex)
                for u in users
            ],
            batch_size=2000,
        )
        admins, members = users[:n_comm], users[n_comm:]
        comms = Community.objects.bulk_create(
            [
                Community(
                    name=f"Bench {start + i}",
                    slug=f"bench-{start + i}",
                    type=Community.PRIVATE,
                    created_by=admins[i],
                )
                for i in range(n_comm)
            ]
        )
        rows, out = [], []
        for i, c in enumerate(comms):
            group = members[i * size : (i + 1) * size]
            rows.append(Membership(community=c, user=admins[i], role=Membership.ADMIN))
            rows += [Membership(community=c, user=u, role=Membership.MEMBER) for u in group]
            out.append({"id": c.id, "admin_id": admins[i].id, "member_ids": [u.id for u in group]})
        Membership.objects.bulk_create(rows, batch_size=5000)
    print(
        json.dumps(
            {"communities": out, "logins": {u.id: str(login.id) for u, login in zip(users, logins)}}
        )
    )


main()
