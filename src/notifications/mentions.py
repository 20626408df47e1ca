"""@mentions in a post's text: `@username`, as names are written (letters, digits and
. @ + - _). A mention that ends a sentence keeps its full stop out of the name."""

import re

from accounts.models import User
from accounts.usernames import look_alike_keys

MENTIONS_PER_POST = 20  # more names than this in one post is a list, not a mention

_MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{3,150})")


def mentioned_names(text: str) -> list[str]:
    names = []
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".-+@")
        if len(name) >= 3 and name not in names:
            names.append(name)
        if len(names) == MENTIONS_PER_POST:
            break
    return names


def mentioned_users(text: str) -> set[int]:
    """Ids of the active users a text mentions, however the name's case is written."""
    names = mentioned_names(text)
    if not names:
        return set()
    folded = [look_alike_keys(name)[0] for name in names]
    return set(User.objects.filter(username_folded_key__in=folded, is_active=True)
               .values_list("id", flat=True))
