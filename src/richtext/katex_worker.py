"""The child process that renders TeX (`katex_engine`), one formula a request.

Run by `katex_pool` as `python -m richtext.katex_worker`; nothing else imports it. It
reads one JSON request a line on stdin, `{"tex": str, "display": bool}`, and answers
each with one JSON line (`katex_engine.answer`), or `{"stopped": "memory"}` before it
ends. It never closes its V8: a formula that runs V8 out of memory ends the process,
one that runs too long is killed by the parent, and V8 goes with the process. (Closing
an isolate after such a formula is what crashed whole API processes.)
"""

import ctypes
import json
import os
import signal
import sys

from richtext import config

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """SIGKILL this process when the API process that started it ends, also while V8 is
    busy with a formula and not reading the pipe whose end would tell it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the closed pipe ends it, between formulas
        pass


def main() -> None:
    _die_with_parent()
    # Maths yields the CPU to the API's requests: a flood of formulas slows other maths,
    # not everyone's reads and one-line comments. Set before V8 is even loaded, most of
    # what a start costs.
    os.nice(config.NICENESS)
    from richtext import katex_engine

    # Answers go to a private copy of stdout; whatever V8 or a library prints goes to
    # stderr and cannot be taken for an answer.
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    katex = katex_engine.start()
    answers.write(b'{"ready": true}\n')
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            answer = katex_engine.answer(katex, request["tex"], bool(request["display"]))
        except katex_engine.HeapExhausted:
            answers.write(b'{"stopped": "memory"}\n')
            os._exit(0)  # V8 stays as it is, full; the parent starts a fresh process
        answers.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
    os._exit(0)  # the parent closed the pipe: no interpreter shutdown around a live V8


if __name__ == "__main__":
    main()
