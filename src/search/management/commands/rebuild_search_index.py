from django.core.management.base import BaseCommand
from django.db import connection

from search import index


class Command(BaseCommand):
    help = ("Build the full-text index again, with the current SEARCH_TEXT_CONFIG (run it "
            "after changing that setting). One transaction: searches see the old index "
            "until the new one is complete; writes wait for it.")

    def handle(self, *args, **options):
        index.rebuild(connection)
        self.stdout.write(f"search index rebuilt with {index.text_config()} ({connection.vendor})")
