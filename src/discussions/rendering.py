"""Markdown with TeX maths, rendered to HTML that is safe to put in a page.

markdown-it-py parses CommonMark (links, lists, code, emphasis, tables) with raw
HTML switched off, mdit-py-plugins' dollarmath reads `$...$` and `$$...$$`, and
latex2mathml turns the TeX into MathML, which browsers draw natively (no script,
no font download, nothing the Content-Security-Policy has to allow). Whatever the
parser or the TeX converter lets through, nh3 (the Rust ammonia sanitiser) keeps
only the tags and attributes listed here: no script, style, iframe or event
handler, links only to http, https and mailto, each with rel="nofollow noopener
noreferrer".
"""

import json
from functools import lru_cache

import latex2mathml.converter
import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from markupsafe import escape

_MARKDOWN_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "span", "div",
}
# Presentation MathML as latex2mathml writes it; no semantics/annotation (they can
# carry arbitrary markup) and no mstyle attributes beyond layout.
_MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot",
    "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "math": {"display"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "movablelimits", "form"},
    "mfrac": {"linethickness"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mtable": {"columnalign", "rowspacing", "columnspacing"},
    "mtd": {"columnalign"},
    "mspace": {"width"},
    "menclose": {"notation"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
}
_LINK_REL = "nofollow noopener noreferrer"


def _math(tex: str, options: dict) -> str:
    display = "block" if options.get("display_mode") else "inline"
    try:
        return latex2mathml.converter.convert(tex, display=display)
    except Exception:  # noqa: BLE001 - any TeX the converter cannot read stays as its source
        return f"<code>{escape(tex)}</code>"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # allow_digits=False: "$5 and $10" is money, not maths.
    md.use(dollarmath_plugin, allow_digits=False, renderer=_math)
    return md


_markdown = _parser()


@lru_cache(maxsize=256)  # a page of comments, and its events, render the same texts again
def render(content: str) -> str:
    """The sanitised HTML of Markdown `content`."""
    return nh3.clean(
        _markdown.render(content),
        tags=_MARKDOWN_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=_LINK_REL,
        # dollarmath wraps formulas in these; no other class reaches the page
        allowed_classes={"span": {"math", "inline"}, "div": {"math", "block"}},
        strip_comments=True,
    )


# An event carries the object's content and its HTML side by side and is cut above
# 64 KiB (realtime_core.events). Both, JSON-encoded, may take this much: the rest of
# the largest discussion (a 600-byte topic, the author twice, ids, dates) fits in
# what is left. Content near its 32 KiB limit renders to more than the rest, so its
# HTML is left out (null) and fetched on its own (GET .../content_html).
CONTENT_AND_HTML_BYTES = 60 * 1024


def _json_bytes(text: str) -> int:
    return len(json.dumps(text, ensure_ascii=False).encode())


def html_within_event_bound(content: str) -> str | None:
    """render(content), or None when it would not fit an event beside `content`."""
    html = render(content)
    if _json_bytes(content) + _json_bytes(html) > CONTENT_AND_HTML_BYTES:
        return None
    return html
