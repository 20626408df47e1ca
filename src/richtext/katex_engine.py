"""KaTeX in an embedded V8 (mini-racer): TeX in, MathML out, one formula at a time.

Only the KaTeX processes import this (`katex_worker`): V8 never runs, or even loads,
in an API process.
"""

from pathlib import Path

from py_mini_racer import JSEvalException, JSOOMException, MiniRacer

from richtext import config, geometry

# katex.min.js as npm installs it (package.json pins the version; a test checks the copy),
# so the API needs no Node.js or node_modules to run.
KATEX_SCRIPT = Path(__file__).with_name("katex") / "katex.min.js"
KATEX_OPTIONS = {
    "output": "mathml",
    "throwOnError": True,  # a formula KaTeX cannot read shows as its source
    "trust": False,  # no \href, \url, \includegraphics, \htmlClass, \htmlStyle...
    "strict": "ignore",
    "maxSize": geometry.MAX_SIZE_EM,
    # Macro loops (\def\a{\a\a}\a) stop at this many expansions; KaTeX's default, as its
    # own macros count too (a formula with 25 \ne passes 100). Bigger macro bombs meet
    # the parent's deadline and the heap limit.
    "maxExpand": 1000,
}


class HeapExhausted(Exception):
    """V8 ran out of its heap: it is of no more use, and its process should end."""


def start() -> MiniRacer:
    katex = MiniRacer()
    katex.eval(KATEX_SCRIPT.read_text())
    katex.set_hard_memory_limit(config.HEAP_BYTES)
    return katex


def answer(katex: MiniRacer, tex: str, display: bool) -> dict:
    """`{"mathml": str}`, or `{"mathml": None, "reason": ...}` for a formula KaTeX cannot
    read or one that would move things outside its box; raises HeapExhausted."""
    try:
        mathml = katex.call("katex.renderToString", tex, {**KATEX_OPTIONS, "displayMode": display})
    except JSOOMException:
        raise HeapExhausted from None
    except JSEvalException:  # KaTeX's ParseError, or JavaScript's stack overflowing
        return {"mathml": None, "reason": "unreadable"}
    if not geometry.within_bounds(mathml):
        return {"mathml": None, "reason": "geometry"}
    return {"mathml": mathml}
