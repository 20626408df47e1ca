from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from communities import services as communities
from communities.models import Community, Membership
from discussions import services as discussions

DEMO_USERS = [
    ("alice", "alice@example.org", "alice-demo-pass-1"),
    ("bob", "bob@example.org", "bob-demo-pass-1"),
    ("carol", "carol@example.org", "carol-demo-pass-1"),
]


class Command(BaseCommand):
    help = "Load demo users, communities, an article, discussions and comments (idempotent)."

    def handle(self, *args, **options):
        if User.objects.filter(username="alice").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self._load()
        self.stdout.write("Demo accounts (username / password):")
        for username, _email, password in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}")
        self.stdout.write(
            "alice (admin) and bob are members of the private community 'Neural Dynamics Lab';"
            " carol is not. 'Open Science Commons' is public."
        )

    @transaction.atomic
    def _load(self):
        alice, bob, carol = (
            User.objects.create_user(username=u, email=e, password=p) for u, e, p in DEMO_USERS
        )
        lab = communities.create_community(
            alice,
            "Neural Dynamics Lab",
            "A private journal club on neural population dynamics.",
            Community.PRIVATE,
            "neural-dynamics-lab",
        )
        communities.add_member(lab, bob, Membership.MEMBER)
        commons = communities.create_community(
            bob,
            "Open Science Commons",
            "Public discussion of preprints, open to everyone.",
            Community.PUBLIC,
            "open-science-commons",
        )
        communities.join(commons, carol)
        article = discussions.create_article(
            alice,
            "Attractor dynamics in cortical circuits",
            "We show that low-dimensional attractor manifolds explain persistent activity.",
            ["A. Researcher", "B. Scientist"],
            "https://example.org/preprints/attractor-dynamics",
            [lab.id, commons.id],
        )
        first = discussions.create_discussion(
            alice,
            article,
            lab,
            "Is the manifold really low-dimensional?",
            "The PCA in figure 2 keeps 3 components; how robust is that choice?",
            False,
            None,
        )
        reply = discussions.create_comment(
            bob,
            first.id,
            "They show a scree plot in the supplement; the knee is clear.",
            None,
            False,
            None,
        )
        discussions.create_comment(
            alice, first.id, "Fair, but the knee moves with the bin size.", reply.id, False, None
        )
        discussions.create_discussion(
            bob,
            article,
            lab,
            "Replication data",
            "Has anyone found the raw recordings?",
            True,
            None,
        )
        discussions.create_discussion(
            carol,
            article,
            commons,
            "Great read",
            "Clear writing; the methods section is exemplary.",
            False,
            None,
        )
