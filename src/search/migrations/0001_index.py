"""The full-text index (search.index says what it is, per vendor)."""

from django.db import migrations


def create(apps, schema_editor):
    from search import index

    index.create(schema_editor.connection)


def drop(apps, schema_editor):
    from search import index

    index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0003_posts_store_html")]

    operations = [migrations.RunPython(create, drop)]
