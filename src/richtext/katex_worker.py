"""The child process that renders TeX: KaTeX in an embedded V8 (mini-racer).

Run by `katex_pool` as `python -m richtext.katex_worker`; nothing else imports it. It
reads one JSON request a line on stdin, `{"tex": str, "display": bool}`, and answers
each with one JSON line: `{"mathml": str}`, or `{"mathml": null, "reason": ...}` for a
formula KaTeX cannot read or one that would move things outside its box. It never
closes its V8: a formula that runs V8 out of memory ends the process (after saying
so), one that runs too long is killed by the parent, and V8 goes with the process.
(Closing an isolate after such a formula is what crashed whole API processes.)
"""

import ctypes
import json
import os
import signal
import sys
from pathlib import Path

from py_mini_racer import JSEvalException, JSOOMException, MiniRacer

from richtext import config, geometry

# katex.min.js as npm installs it (package.json pins the version; a test checks the copy),
# so the API needs no Node.js or node_modules to run.
KATEX_SCRIPT = Path(__file__).with_name("katex") / "katex.min.js"
# The largest size, in em, KaTeX gives \rule and the like (the sanitiser also drops
# any single length past it, and geometry bounds their sum).
MAX_SIZE_EM = 10
KATEX_OPTIONS = {
    "output": "mathml",
    "throwOnError": True,  # a formula KaTeX cannot read shows as its source
    "trust": False,  # no \href, \url, \includegraphics, \htmlClass, \htmlStyle...
    "strict": "ignore",
    "maxSize": MAX_SIZE_EM,
    # Macro loops (\def\a{\a\a}\a) stop at this many expansions; KaTeX's default, as its
    # own macros count too (a formula with 25 \ne passes 100). Bigger macro bombs meet
    # the parent's deadline and the heap limit below.
    "maxExpand": 1000,
}
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """SIGKILL this process when the API process that started it ends, also while V8 is
    busy with a formula and not reading the pipe whose end would tell it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the closed pipe ends it, between formulas
        pass


def _answer(request: dict, katex: MiniRacer) -> dict:
    try:
        mathml = katex.call("katex.renderToString", request["tex"],
                            {**KATEX_OPTIONS, "displayMode": bool(request["display"])})
    except JSOOMException:
        raise
    except JSEvalException:  # KaTeX's ParseError, or JavaScript's stack overflowing
        return {"mathml": None, "reason": "unreadable"}
    if not geometry.within_bounds(mathml):
        return {"mathml": None, "reason": "geometry"}
    return {"mathml": mathml}


def main() -> None:
    _die_with_parent()
    # Answers go to a private copy of stdout; whatever V8 or a library prints goes to
    # stderr and cannot be taken for an answer.
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    katex = MiniRacer()
    katex.eval(KATEX_SCRIPT.read_text())
    katex.set_hard_memory_limit(config.HEAP_BYTES)
    answers.write(b'{"ready": true}\n')
    for line in sys.stdin.buffer:
        try:
            answer = _answer(json.loads(line), katex)
        except JSOOMException:
            answers.write(b'{"stopped": "memory"}\n')
            os._exit(0)  # V8 stays as it is, full; the parent starts a fresh process
        answers.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
    os._exit(0)  # the parent closed the pipe: no interpreter shutdown around a live V8


if __name__ == "__main__":
    main()
