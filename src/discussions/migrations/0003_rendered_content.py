from django.db import migrations, models


def render_existing_posts(apps, schema_editor):
    """Posts written before their HTML was stored get it now (the renderer of this
    release: the stored HTML is what the API has served for them so far)."""
    from discussions.rendering import render

    for model_name in ("Discussion", "Comment"):
        model = apps.get_model("discussions", model_name)
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
        migrations.RunPython(render_existing_posts, migrations.RunPython.noop),
    ]
