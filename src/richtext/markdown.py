"""Markdown with TeX maths, rendered to HTML that is safe to put in a page.

markdown-it-py parses CommonMark (links, lists, code, emphasis, tables) with raw HTML
switched off and bare URLs made links (linkify-it-py), mdit-py-plugins' dollarmath
reads `$...$` and `$$...$$`, and KaTeX, in child processes (`maths`), turns the TeX
into MathML, which browsers draw natively (no script, no font download, nothing the
Content-Security-Policy has to allow). Whatever the parser or KaTeX lets through, nh3
(the Rust ammonia sanitiser) keeps only the tags and attributes listed here: no script,
style, iframe or event handler, links only to http, https and mailto, each with
rel="nofollow noopener noreferrer".

The parser and the sanitiser run in the calling process, and a post is at most 32 KiB.
markdown-it caps nesting and ammonia is memory-safe Rust; where the parser's work grows
faster than the text (bare URLs, table rows) a post past a bound is parsed without that
feature, and a post whose HTML would pass HTML_BUDGET_BYTES is refused (`TooMuchHtml`).
"""

import re
from contextlib import nullcontext
from contextvars import ContextVar
from functools import cache
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markupsafe import escape
from mdit_py_plugins.dollarmath import dollarmath_plugin

from richtext import katex_pool, maths
from richtext.geometry import MAX_SIZE_EM
from richtext.mentions import MENTION, name_of

# The most MathML the formulas of one post make together; a formula that would pass it
# shows as its source. A macro copied 300 times in a 900-character formula makes a
# megabyte of MathML: without this a post would render to many megabytes, each one
# sanitised, stored and sent.
MATH_HTML_BUDGET_BYTES = 256 * 1024
# The most HTML a post may render to, its formulas included: a reference link repeats
# its URL at every use, so 20 KB of text could make 24 MB of HTML, stored and sent to
# every reader.
HTML_BUDGET_BYTES = 512 * 1024
# Bare URLs become links by linkify-it, whose scan from each "://" runs on through the
# text: in a run of them the work is quadratic (2,500 in 20 KB took 1.6 s of CPU, 300
# take 0.03 s). Past this many, a post's bare URLs stay text; its [links](...) work.
MAX_BARE_URLS = 300
# Every line under a table's header becomes a row of all the header's cells: 10,000
# short lines under a 10-column header are 100,000 cells, 0.8 s of CPU and 800 KB of
# HTML. Past this many cells (counted generously, before parsing), tables stay text.
MAX_TABLE_CELLS = 10_000


class TooMuchHtml(ValueError):
    def __init__(self, size: int):
        super().__init__(
            f"This post would render to {size // 1024} KiB of HTML, more than the "
            f"{HTML_BUDGET_BYTES // 1024} KiB a post may: use fewer links, table cells "
            "or formulas"
        )


_MARKDOWN_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "div",
}
# Presentation MathML as KaTeX writes it, and its annotation holding the TeX source as
# text (never annotation-xml, which may hold HTML); no maction, no href.
_MATHML_TAGS = {
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mn",
    "mo",
    "mtext",
    "mspace",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
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
    "mo": {
        "mathvariant",
        "stretchy",
        "fence",
        "separator",
        "largeop",
        "lspace",
        "rspace",
        "minsize",
        "maxsize",
    },
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
_LENGTH_ATTRIBUTES = {
    "width",
    "height",
    "depth",
    "lspace",
    "rspace",
    "voffset",
    "minsize",
    "maxsize",
    "mathsize",
}
# The units KaTeX writes lengths in, and the most of each a length may have: MAX_SIZE_EM
# (10pt make an em, 16px), or the formula's own width, height or depth once. The sum of
# a formula's displacements is bounded before this (geometry, in the KaTeX process).
_LENGTH = re.compile(r"[+-]?(?P<number>\d+\.?\d*|\.\d+)(?P<unit>em|pt|px|width|height|depth)")
_MAX_LENGTH = {
    "em": MAX_SIZE_EM,
    "pt": 10 * MAX_SIZE_EM,
    "px": 16 * MAX_SIZE_EM,
    "width": 1,
    "height": 1,
    "depth": 1,
}
_LINK_REL = "nofollow noopener noreferrer"
_CLASSES = {
    "span": {"math", "inline", "display", "katex"},
    "div": {"math", "block"},
    "a": {"mention"},
}


def _bounded_length(tag: str, attribute: str, value: str) -> str | None:
    r"""`value`, or None for a length in a unit KaTeX does not write or beyond _MAX_LENGTH
    (KaTeX's maxSize caps \rule, but not a negative \kern or \raisebox)."""
    if attribute not in _LENGTH_ATTRIBUTES:
        return value
    length = _LENGTH.fullmatch(value)
    if length is None or float(length["number"]) > _MAX_LENGTH[length["unit"]]:
        return None
    return value


class _PostMaths:
    """The rendered formulas of the post being rendered, and the MathML it may still add."""

    def __init__(self, mathml: dict[tuple[str, bool], str | None]):
        self.mathml = mathml
        self.bytes_left = MATH_HTML_BUDGET_BYTES


_post_maths: ContextVar[_PostMaths] = ContextVar("post_maths")


def _math(tex: str, options: dict) -> str:
    post = _post_maths.get()
    mathml = post.mathml.get((tex, bool(options.get("display_mode"))))
    if mathml is None or len(mathml) > post.bytes_left:
        return f"<code>{escape(tex)}</code>"
    post.bytes_left -= len(mathml)
    return mathml


def _mention(state, silent: bool) -> bool:
    """`@name` of a known person (the caller's `mentions`: name as written -> username)
    becomes a link to their profile; any other `@word` stays text."""
    if state.src[state.pos] != "@":
        return False
    before = state.src[state.pos - 1] if state.pos else " "
    if before.isalnum() or before in "_@.+-":
        return False
    match = MENTION.match(state.src, state.pos)
    name = name_of(match) if match else None
    username = state.env.get("mentions", {}).get(name)
    if username is None:
        return False
    if not silent:
        link = state.push("link_open", "a", 1)
        link.attrs = {"href": f"/u/{quote(username, safe='')}/", "class": "mention"}
        state.push("text", "", 0).content = f"@{name}"
        state.push("link_close", "a", -1)
    state.pos += 1 + len(name)
    return True


@cache
def _parser(linkify: bool = True, tables: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": linkify, "typographer": False})
    md.enable(["strikethrough", *(["linkify"] if linkify else []), *(["table"] if tables else [])])
    md.inline.ruler.before("emphasis", "mention", _mention)
    # Bare URLs become links only in the schemes links may have (the sanitiser's list)
    for scheme in ("ftp:", "//"):
        md.linkify.add(scheme, None)
    # allow_digits=False: "$5 and $10" is money, not maths. double_inline: "$$x$$" in a
    # sentence is display maths, not a formula between two stray dollars.
    md.use(dollarmath_plugin, allow_digits=False, double_inline=True, renderer=_math)
    # ...shown as a span (display maths inside a paragraph; a div would end the paragraph)
    md.add_render_rule(
        "math_inline_double",
        lambda self, tokens, idx, options, env: (
            '<span class="math display">'
            f"{_math(tokens[idx].content.strip(), {'display_mode': True})}</span>"
        ),
    )
    return md


_DISPLAY_MATH = {"math_block", "math_block_label", "math_inline_double"}


def _formulas(tokens) -> list[tuple[str, bool]]:
    """Each distinct (tex, display) of a parsed post, in order of appearance."""
    found: dict[tuple[str, bool], None] = {}
    # Block formulas are top-level tokens; inline ones are children of an inline token.
    for token in (t for block in tokens for t in (block, *(block.children or ()))):
        if token.type.startswith("math_"):
            found[token.content.strip(), token.type in _DISPLAY_MATH] = None
    return list(found)


def _table_cells(content: str) -> int:
    """At least the cells markdown-it would make of the post's tables: from a delimiter
    row (`|---|:--:|`) on, each line up to a blank one is a row of its columns."""
    cells = columns = 0
    for line in content.splitlines():
        if not line.strip():
            columns = 0
        elif "|" in line and "-" in line and set(line) <= _DELIMITER_ROW_CHARACTERS:
            columns = line.count("|") + 1
        else:
            cells += columns
    return cells


_DELIMITER_ROW_CHARACTERS = set("|-: \t")


def _parser_for(content: str) -> MarkdownIt:
    return _parser(
        linkify=content.count("://") <= MAX_BARE_URLS,
        tables=_table_cells(content) <= MAX_TABLE_CELLS,
    )


def render(content: str, lane=None, mentions: dict[str, str] | None = None) -> str:
    """The sanitised HTML of Markdown `content`. `lane` is whose post it is: KaTeX's
    processes take turns between lanes. `mentions` maps each mentioned name, as written,
    to the username of the person it names: those mentions link to their profiles.
    Raises katex_pool.RendererBusy when the post may have maths and no KaTeX process
    could be had in time, TooMuchHtml when its HTML would pass HTML_BUDGET_BYTES."""
    env: dict = {"mentions": mentions or {}}
    parser = _parser_for(content)
    # The turn comes before the parsing: a refusal (under a flood, most answers) then
    # costs next to nothing. Without a dollar sign there is no maths to wait for.
    with katex_pool.pool().turn(lane) if "$" in content else nullcontext() as turn:
        tokens = parser.parse(content, env)
        mathml = maths.render_formulas(_formulas(tokens), turn)
    reset = _post_maths.set(_PostMaths(mathml))
    try:
        html = parser.renderer.render(tokens, parser.options, env)
    finally:
        _post_maths.reset(reset)
    # Checked before sanitising: megabytes are not worth cleaning to be refused. Counted
    # in characters first, as encoding megabytes to count their bytes would cost too.
    size = len(html)
    if size <= HTML_BUDGET_BYTES:
        size = len(html.encode())
    if size > HTML_BUDGET_BYTES:
        raise TooMuchHtml(size)
    return nh3.clean(
        html,
        tags=_MARKDOWN_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        attribute_filter=_bounded_length,
        url_schemes={"http", "https", "mailto"},
        link_rel=_LINK_REL,
        # dollarmath wraps formulas in these, KaTeX in span.katex; no other class reaches
        # the page (\htmlClass is off with trust)
        allowed_classes=_CLASSES,
        strip_comments=True,
    )
