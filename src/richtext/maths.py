"""The formulas of one post, rendered by KaTeX within the post's budgets.

A post of 20,000 characters can hold thousands of formulas, each allowed half a
second: without a budget per post one request could hold a KaTeX process for
minutes, or restart it a thousand times. What is left over shows as TeX source.
"""

import time

from richtext import metrics

# A formula that takes longer is shown as its source (and its process killed); typical
# ones take a millisecond.
FORMULA_SECONDS = 0.5
# The most KaTeX time the formulas of one post take together.
POST_SECONDS = 1.0
# The most time a post's formulas take, however starved of CPU their process is (a
# formula's own deadline counts CPU time).
POST_WALL_SECONDS = 10.0
# The most KaTeX processes one post may end (each costs a restart of about 0.25 s of
# CPU), or fail to start; past it the rest of its formulas show as their source.
POST_RESTARTS = 2
_TOO_LITTLE_TIME = 0.005  # a formula given less would only be stopped
_ENDED_PROCESS = {"timeout", "memory", "crash", "unavailable"}


def render_formulas(formulas: list[tuple[str, bool]], turn) -> dict[tuple[str, bool], str | None]:
    """KaTeX's MathML for each (tex, display) of one post, None for those that show as
    their source, rendered in the post's `turn` of a KaTeX process (katex_pool)."""
    mathml: dict[tuple[str, bool], str | None] = dict.fromkeys(formulas)
    seconds_left, restarts_left = POST_SECONDS, POST_RESTARTS
    latest = time.monotonic() + POST_WALL_SECONDS
    for tex, display in mathml:
        if seconds_left < _TOO_LITTLE_TIME or restarts_left <= 0 or time.monotonic() >= latest:
            metrics.OVER_BUDGET.inc()
            continue
        formula = turn.render(tex, display, min(FORMULA_SECONDS, seconds_left), latest)
        mathml[tex, display] = formula.mathml
        seconds_left -= formula.seconds
        restarts_left -= formula.outcome in _ENDED_PROCESS
    return mathml
