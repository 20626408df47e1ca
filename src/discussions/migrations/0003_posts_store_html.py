import datetime

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

# Until now a new post's created_at and updated_at were two clock readings, microseconds
# apart, and sometimes a millisecond, which pages showed as "edited". Nobody edits a
# post this soon after writing it.
SAME_WRITE = datetime.timedelta(milliseconds=50)


def render_existing_posts(apps, schema_editor):
    """Posts written before their HTML was stored get it now (the renderer of this
    release: the stored HTML is what the API has served for them so far), and posts
    never edited get one time for both stamps."""
    from discussions.rendering import render

    for model_name in ("Discussion", "Comment"):
        model = apps.get_model("discussions", model_name)
        model.objects.filter(updated_at__lt=F("created_at") + SAME_WRITE).update(
            updated_at=F("created_at"))
        for post in model.objects.only("id", "content").iterator(chunk_size=500):
            model.objects.filter(pk=post.pk).update(content_html=render(post.content))


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
        migrations.RunPython(render_existing_posts, migrations.RunPython.noop),
    ]
