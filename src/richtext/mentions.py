"""@mentions: `@username`, as usernames are written (letters, digits and . @ + - _).

Finding them is the renderer's (it links each mention of a known name to that
person's profile) and the notifications' (they tell the people named); both read
them here, the same way. A mention that ends a sentence keeps its full stop out of
the name.
"""

import re

MENTIONS_PER_POST = 20  # more names than this in one post is a list, not a mention
_NAME_END_JUNK = ".-+@"
MIN_NAME = 3

# A mention starts where a name could not go on: not inside a word or an address.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{3,150})")


def name_of(match: re.Match) -> str | None:
    """The name a match mentions, or None when what is left is too short to be one."""
    name = match.group(1).rstrip(_NAME_END_JUNK)
    return name if len(name) >= MIN_NAME else None


def mentioned_names(text: str) -> list[str]:
    """The names a text mentions, each once, in order, at most MENTIONS_PER_POST."""
    names: list[str] = []
    for match in MENTION.finditer(text):
        name = name_of(match)
        if name is not None and name not in names:
            names.append(name)
            if len(names) == MENTIONS_PER_POST:
                break
    return names
