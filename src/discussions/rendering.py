"""Markdown with TeX maths, rendered to HTML that is safe to put in a page.

markdown-it-py parses CommonMark (links, lists, code, emphasis, tables) with raw
HTML switched off, mdit-py-plugins' dollarmath reads `$...$` and `$$...$$`, and
KaTeX, run here in an embedded V8 (mini-racer), turns the TeX into MathML, which
browsers draw natively (no script, no font download, nothing the
Content-Security-Policy has to allow). Whatever the parser or KaTeX lets through,
nh3 (the Rust ammonia sanitiser) keeps only the tags and attributes listed here:
no script, style, iframe or event handler, links only to http, https and mailto,
each with rel="nofollow noopener noreferrer".
"""

import atexit
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from markupsafe import escape
from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException, MiniRacer

# katex.min.js as npm installs it (package.json pins the version; a test checks the copy),
# so the API needs no Node.js or node_modules to run.
KATEX_SCRIPT = Path(__file__).with_name("katex") / "katex.min.js"
# The largest size, in em, KaTeX gives \rule, \kern and the like; the sanitiser drops any
# length beyond it either way, negative ones too, so no formula covers the page around it.
MAX_SIZE_EM = 10
_KATEX_OPTIONS = {
    "output": "mathml",
    "throwOnError": True,  # a formula KaTeX cannot read shows as its source
    "trust": False,  # no \href, \url, \includegraphics, \htmlClass, \htmlStyle...
    "strict": "ignore",
    "maxSize": MAX_SIZE_EM,
    # Macro loops (\def\a{\a\a}\a) stop at this many expansions; KaTeX's default, as its
    # own macros count too (a formula with 25 \ne passes 100). Bigger macro bombs meet
    # the time and memory limits below.
    "maxExpand": 1000,
}
# A formula that takes longer is shown as its source; typical ones take a millisecond.
MATH_TIMEOUT_SECONDS = 0.5
# The most V8 time the formulas of one post take together; past it the rest show as
# their source. A post of 20,000 characters holds twenty formulas of 0.3 s each, and
# the process has one V8, so without this one request could hold it for seconds.
MATH_BUDGET_SECONDS = 1.0
# The most MathML the formulas of one post make together; a formula that would pass it
# shows as its source. A macro copied 300 times in a 900-character formula makes a
# megabyte of MathML: without this a post would render to many megabytes, each one
# sanitised, cached and sent.
MATH_HTML_BUDGET_BYTES = 256 * 1024
# V8 stops a formula whose rendering would take more heap than this (KaTeX itself needs
# a few MiB; the longest formula a post can hold, up to about 30).
MATH_HEAP_BYTES = 64 * 1024 * 1024

_MARKDOWN_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "span", "div",
}
# Presentation MathML as KaTeX writes it, and its annotation holding the TeX source as
# text (never annotation-xml, which may hold HTML); no maction, no href.
_MATHML_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "mtext", "mspace",
    "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "math": {"display"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mo": {"mathvariant", "stretchy", "fence", "separator", "largeop", "lspace", "rspace",
           "minsize", "maxsize"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "mfrac": {"linethickness"},
    "mstyle": {"displaystyle", "scriptlevel", "mathsize", "mathcolor"},
    "mtable": {"columnalign", "rowspacing", "columnspacing", "rowlines", "columnlines"},
    "mtd": {"columnalign"},
    "mspace": {"width", "height", "depth", "mathbackground", "linebreak"},
    "menclose": {"notation"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset", "mathbackground"},
}
_ATTRIBUTE_VALUES = {"annotation": {"encoding": {"application/x-tex"}}}
_LENGTH_ATTRIBUTES = {"width", "height", "depth", "lspace", "rspace", "voffset", "minsize",
                      "maxsize", "mathsize"}
# The units KaTeX writes lengths in, and the most of each a length may have: MAX_SIZE_EM
# (10pt make an em, 16px), or the formula's own width, height or depth once.
_LENGTH = re.compile(r"[+-]?(?P<number>\d+\.?\d*|\.\d+)(?P<unit>em|pt|px|width|height|depth)")
_MAX_LENGTH = {"em": MAX_SIZE_EM, "pt": 10 * MAX_SIZE_EM, "px": 16 * MAX_SIZE_EM,
               "width": 1, "height": 1, "depth": 1}
_LINK_REL = "nofollow noopener noreferrer"


def _bounded_length(tag: str, attribute: str, value: str) -> str | None:
    r"""`value`, or None for a length in a unit KaTeX does not write or beyond _MAX_LENGTH
    (KaTeX's maxSize caps \rule, but not a negative \kern or \raisebox)."""
    if attribute not in _LENGTH_ATTRIBUTES:
        return value
    length = _LENGTH.fullmatch(value)
    if length is None or float(length["number"]) > _MAX_LENGTH[length["unit"]]:
        return None
    return value


_katex_lock = threading.Lock()
_katex: MiniRacer | None = None


def _start_katex() -> MiniRacer:
    # A MiniRacer made on a thread where an asyncio loop runs (an async view or test) runs
    # its V8 calls on that loop, and hangs once the loop stops; made on a thread without
    # one, it runs a loop of its own.
    with ThreadPoolExecutor(max_workers=1) as starter:
        racer = starter.submit(MiniRacer).result()
    racer.eval(KATEX_SCRIPT.read_text())
    racer.set_hard_memory_limit(MATH_HEAP_BYTES)
    return racer


def _discard_katex() -> None:
    global _katex
    if _katex is not None:
        _katex.close()
        _katex = None


@atexit.register
def _stop_katex() -> None:
    # Closed before the interpreter finalises: closing later, V8's thread calls back into
    # a Python that no longer lets threads run, and the close waits for it for ever.
    with _katex_lock:
        _discard_katex()


def _katex_mathml(tex: str, display: bool, timeout: float) -> tuple[str | None, float]:
    """KaTeX's MathML for `tex` (None when KaTeX cannot read it, in `timeout` seconds and
    its memory), and the seconds it took, not counting the wait for the lock."""
    global _katex
    # One V8 isolate per process, started on first use. mini-racer hands a call from any
    # thread to its own loop thread, but the lock lets one formula at a time in: the
    # timeout then counts the formula's own time, not a queue of other threads' formulas,
    # and an isolate is replaced before anyone else calls it.
    with _katex_lock:
        if _katex is None:
            _katex = _start_katex()
        started = time.monotonic()
        try:
            # The TeX goes in as an argument (JSON-encoded by mini-racer), never into code.
            mathml = _katex.call("katex.renderToString", tex,
                                 {**_KATEX_OPTIONS, "displayMode": display},
                                 timeout_sec=timeout)
        except (JSTimeoutException, JSOOMException):
            # A formula stopped either way leaves the heap full of its garbage, past the
            # limit for the next formula (and past the limit V8 refuses every later call):
            # a fresh isolate serves the next one.
            _discard_katex()
            mathml = None
        except JSEvalException:  # KaTeX's ParseError, or JavaScript's stack overflowing
            mathml = None
        return mathml, time.monotonic() - started


# The maths time and MathML left to the post being rendered on this thread (render
# sets them).
_post = threading.local()
_TOO_LITTLE_TIME = 0.005  # a formula given less would only be stopped


def _math(tex: str, options: dict) -> str:
    mathml = None
    if _post.math_seconds_left > _TOO_LITTLE_TIME:
        mathml, took = _katex_mathml(tex, display=bool(options.get("display_mode")),
                                     timeout=min(MATH_TIMEOUT_SECONDS, _post.math_seconds_left))
        _post.math_seconds_left -= took
    if mathml is None or len(mathml) > _post.math_bytes_left:
        return f"<code>{escape(tex)}</code>"
    _post.math_bytes_left -= len(mathml)
    return mathml


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # allow_digits=False: "$5 and $10" is money, not maths.
    md.use(dollarmath_plugin, allow_digits=False, renderer=_math)
    return md


_markdown = _parser()


# A post is rendered when it is saved (models.RenderedContent); the cache serves the
# previews of a text being written, and a post saved again unchanged. A post renders
# to at most ~0.4 MB (maths bounded above, Markdown a few times its 32 KiB), so the
# cache holds at most ~25 MB.
@lru_cache(maxsize=64)
def render(content: str) -> str:
    """The sanitised HTML of Markdown `content`."""
    _post.math_seconds_left = MATH_BUDGET_SECONDS
    _post.math_bytes_left = MATH_HTML_BUDGET_BYTES
    return nh3.clean(
        _markdown.render(content),
        tags=_MARKDOWN_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        attribute_filter=_bounded_length,
        url_schemes={"http", "https", "mailto"},
        link_rel=_LINK_REL,
        # dollarmath wraps formulas in these, KaTeX in span.katex; no other class reaches
        # the page (\htmlClass is off with trust)
        allowed_classes={"span": {"math", "inline", "katex"}, "div": {"math", "block"}},
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


def html_within_event_bound(content: str, html: str) -> str | None:
    """`html`, the rendered `content`, or None when it would not fit an event beside it."""
    if _json_bytes(content) + _json_bytes(html) > CONTENT_AND_HTML_BYTES:
        return None
    return html
