from django.core.management.base import BaseCommand

from discussions.models import Comment, Discussion
from discussions.rendering import render
from toolkit.errors import ApiError


class Command(BaseCommand):
    help = (
        "Render the HTML of posts stored without it (written before posts stored their "
        "HTML); with --all, of every post (after a change of the renderer). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="render every post again")

    def handle(self, *args, all: bool = False, **options):
        for model in (Discussion, Comment):
            posts = model.objects.all() if all else model.objects.filter(content_html="")
            rendered, kept = 0, 0
            # One post at a time and outside any transaction: a post's maths may take a
            # second, and nothing should wait on a lock meanwhile.
            for post in posts.only("id", "content", "author_id").iterator(chunk_size=500):
                try:
                    html = render(post.content, post.author_id)
                except ApiError:  # past a bound the renderer has now: its HTML stays
                    kept += 1
                    continue
                model.objects.filter(pk=post.pk).update(content_html=html)
                rendered += 1
            self.stdout.write(f"{model.__name__}: {rendered} rendered, {kept} kept as they were")
