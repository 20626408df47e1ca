"""Highlighted excerpts that are safe to insert as HTML.

The database marks the matching words with STX and ETX, characters the indexed
copy of a text never holds (search.index replaces them; PostgreSQL's excerpts are
cut from text with them replaced too). The excerpt is HTML-escaped first, and only
then do the markers become <mark> and </mark>: whatever a post holds, the only
markup in an excerpt is ours.
"""

import html

START, STOP = "\x02", "\x03"


def highlighted(excerpt: str) -> str:
    escaped = html.escape(excerpt, quote=True)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")
