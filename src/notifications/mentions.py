"""Who a post's @mentions name (richtext.mentions finds them): active users, however
the name's case is written or whichever look-alike letters it uses, since look-alike
names cannot both exist (accounts.usernames)."""

from accounts.models import User
from accounts.usernames import look_alike_keys
from richtext.mentions import mentioned_names


def named_users(text: str) -> dict[str, User]:
    """Each mentioned name, as written, and the active user it names."""
    names = mentioned_names(text)
    if not names:
        return {}
    written: dict[str, list[str]] = {}  # one person may be named as Ann and ANN
    for name in names:
        written.setdefault(look_alike_keys(name)[0], []).append(name)
    users = User.objects.filter(username_folded_key__in=written, is_active=True).only(
        "id", "username", "username_folded_key"
    )
    return {name: user for user in users for name in written[user.username_folded_key]}


def mentioned_users(text: str) -> set[int]:
    """Ids of the active users a text mentions."""
    return {user.id for user in named_users(text).values()}
