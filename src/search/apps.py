from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_index(using, **kwargs):
    from django.db import connections

    from . import index

    index.repair(connections[using])


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        # After any app's migrations: one that remade a searchable table on SQLite took
        # the index's triggers with it.
        post_migrate.connect(_repair_index, dispatch_uid="search.repair_index")
