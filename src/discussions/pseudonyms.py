"""Stable per-article pseudonyms.

Derived with a keyed hash of (article, user), so the same person is always the
same pseudonym on one article, different on another, and the mapping cannot be
reversed without the server's secret. Nothing is stored.
"""

import hashlib
import hmac

from django.conf import settings

ADJECTIVES = (
    "Amber",
    "Azure",
    "Brisk",
    "Calm",
    "Candid",
    "Cobalt",
    "Curious",
    "Deft",
    "Eager",
    "Gentle",
    "Hazel",
    "Ivory",
    "Jade",
    "Keen",
    "Lucid",
    "Mellow",
    "Nimble",
    "Olive",
    "Patient",
    "Quiet",
    "Russet",
    "Sage",
    "Steady",
    "Teal",
    "Umber",
    "Vivid",
    "Wry",
    "Zesty",
)
ANIMALS = (
    "Albatross",
    "Badger",
    "Crane",
    "Dolphin",
    "Egret",
    "Falcon",
    "Gecko",
    "Heron",
    "Ibis",
    "Jackal",
    "Kestrel",
    "Lynx",
    "Marten",
    "Narwhal",
    "Ocelot",
    "Pangolin",
    "Quokka",
    "Raven",
    "Stoat",
    "Tapir",
    "Urchin",
    "Vole",
    "Walrus",
    "Yak",
    "Zebu",
)


def pseudonym(article_id: int, user_id: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"pseudonym:{article_id}:{user_id}".encode(), hashlib.sha256
    ).digest()
    adjective = ADJECTIVES[digest[0] % len(ADJECTIVES)]
    animal = ANIMALS[digest[1] % len(ANIMALS)]
    return f"{adjective} {animal} {int.from_bytes(digest[2:4], 'big') % 1000:03d}"
