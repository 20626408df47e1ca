import datetime

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

# Until now a new post's created_at and updated_at were two clock readings, microseconds
# apart, and sometimes a millisecond, which pages showed as "edited". Nobody edits a
# post this soon after writing it.
SAME_WRITE = datetime.timedelta(milliseconds=50)


def one_time_for_one_write(apps, schema_editor):
    """Posts never edited get one time for both stamps. (Their HTML is rendered by
    `manage.py render_posts`, which bin/run and the release step run after migrating: a
    migration does not import the renderer, which changes after it was written.)"""
    for model_name in ("Discussion", "Comment"):
        model = apps.get_model("discussions", model_name)
        model.objects.filter(updated_at__lt=F("created_at") + SAME_WRITE).update(
            updated_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('discussions', '0002_article_visit'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='content_html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='discussion',
            name='content_html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AlterField(
            model_name='comment',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name='comment',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name='discussion',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name='discussion',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(one_time_for_one_write, migrations.RunPython.noop),
    ]
