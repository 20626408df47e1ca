"""Look-alike keys for every username (accounts.usernames), unique from now on.

Names stored before that may already look alike: the first account keeps its keys, each
later one gets its keys marked with its id, so the constraint holds and nothing is
renamed behind its owner's back, and the migration prints them for an operator.
"""

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    from accounts.usernames import look_alike_keys

    User = apps.get_model("accounts", "User")
    taken_folded, taken_cased = {}, {}
    for user in User.objects.order_by("pk").only("pk", "username"):
        folded, cased = look_alike_keys(user.username)
        earlier = taken_folded.get(folded) or taken_cased.get(cased)
        if earlier is not None:
            print(f"\n  username of user {user.pk} looks like that of user {earlier}")
            folded, cased = f"{folded}#{user.pk}", f"{cased}#{user.pk}"
        taken_folded.setdefault(folded, user.pk)
        taken_cased.setdefault(cased, user.pk)
        User.objects.filter(pk=user.pk).update(username_folded_key=folded,
                                               username_cased_key=cased)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_refresh_token_families"),
    ]

    operations = [
        migrations.AddField(
            model_name="user", name="username_folded_key",
            field=models.CharField(editable=False, max_length=1000, null=True),
        ),
        migrations.AddField(
            model_name="user", name="username_cased_key",
            field=models.CharField(editable=False, max_length=1000, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user", name="username_folded_key",
            field=models.CharField(editable=False, max_length=1000, unique=True),
        ),
        migrations.AlterField(
            model_name="user", name="username_cased_key",
            field=models.CharField(editable=False, max_length=1000, unique=True),
        ),
    ]
