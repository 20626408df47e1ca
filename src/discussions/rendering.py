"""Posts' content rendered for the API: richtext's HTML, its place in events, and a busy
renderer as a 429 the client can retry."""

import json

from notifications.mentions import named_users
from richtext import markdown
from richtext.katex_pool import RendererBusy
from toolkit.errors import ApiError, too_many_requests


def render(content: str, user_id: int | None = None) -> str:
    """The sanitised HTML of Markdown `content`, written by `user_id` (KaTeX's processes
    take turns between users). Call it before the transaction that stores the post:
    its maths may take a second, and no lock should wait for that."""
    mentions = {name: user.username for name, user in named_users(content).items()}
    try:
        return markdown.render(content, lane=user_id, mentions=mentions)
    except RendererBusy as busy:
        raise too_many_requests("The maths renderer is busy", busy.retry_after) from None
    except markdown.TooMuchHtml as too_much:
        raise ApiError(422, str(too_much)) from None


# An event carries the object's content and its HTML side by side and is cut above
# 64 KiB (realtime_core.events). Both, JSON-encoded, may take this much: the rest of
# the largest discussion (a 600-byte topic, the author twice, ids, dates) fits in
# what is left. Content near its 32 KiB limit renders to more than the rest, so its
# HTML is left out (null) and fetched on its own (GET .../content_html).
CONTENT_AND_HTML_BYTES = 60 * 1024


def _json_bytes(text: str) -> int:
    return len(json.dumps(text, ensure_ascii=False).encode())


def html_within_event_bound(content: str, html: str) -> str | None:
    """`html`, the rendered `content`, or None when it would not fit an event beside it."""
    if _json_bytes(content) + _json_bytes(html) > CONTENT_AND_HTML_BYTES:
        return None
    return html
