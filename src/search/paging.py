"""The `after` cursor of a search: where the previous page ended.

A keyset, not an offset: the last item's place in the order (rank, created_at, kind,
id, community), so a page starts right after it, and posts written or deleted
meanwhile never make a page repeat or skip one (with an offset, a new post ranked
above would push the previous page's last item onto the next page). Ranks are
floats computed the same way for the same text every time; they travel as JSON
numbers, which hold a float exactly. On PostgreSQL a text's rank depends on that
text alone; SQLite's bm25 also weighs how many texts hold each word, so there a new
matching text moves every rank and pages hold only while the texts do.

The cursor is signed (django.core.signing, with SECRET_KEY) and names a digest of
the search it belongs to: a forged one, or one from another search, is refused.
"""

import hashlib
import json
from datetime import datetime

from django.core import signing

from .syntax import QueryError

_SALT = "search.after"
Key = tuple[float, datetime, int, int, int]  # rank, created_at, kind number, id, community


def search_digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def encode(key: Key, digest: str) -> str:
    rank, created_at, kind, item_id, community_id = key
    return signing.dumps([digest, rank, created_at.isoformat(), kind, item_id, community_id],
                         salt=_SALT)


def decode(after: str, digest: str) -> Key:
    try:
        found, rank, created_at, kind, item_id, community_id = signing.loads(after, salt=_SALT)
        key = (float(rank), datetime.fromisoformat(created_at), int(kind), int(item_id),
               int(community_id))
    except (signing.BadSignature, ValueError, TypeError):
        raise QueryError("`after` is not a cursor this search gave") from None
    if found != digest:
        raise QueryError("`after` belongs to another search") from None
    return key
