"""Search on PostgreSQL: the generated tsvector columns and their GIN indexes
(search.index), websearch_to_tsquery, ts_rank_cd and ts_headline."""

from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, transaction

from . import index
from .snippets import START, STOP

# The query, written out wherever it is used rather than joined in from a CTE, so
# that the planner sees a constant expression it can take to the GIN index.
_QUERY = "websearch_to_tsquery(%s::regconfig, %s)"
_EXCERPT_OPTIONS = (f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12, '
                    'MaxFragments=2, FragmentDelimiter=" … "')
# What an excerpt is cut from: an article's abstract (its title when it has none), a
# post's content, with the markers replaced as in the index.
_EXCERPT_SOURCE = {
    "article": "coalesce(nullif(abstract, ''), title)",
    "discussion": "content",
    "comment": "content",
}
_QUERY_CANCELED = "57014"
_RANDOM_PAGE_COST = "1.1"


class Postgres:
    def __init__(self, text: str):
        self.params = [settings.SEARCH_TEXT_CONFIG, text]

    def can_match(self, cursor) -> bool:
        """False when the query has no word to look up (stop words and exclusions
        only): "T" would read every row of every table."""
        cursor.execute(f"SELECT querytree({_QUERY})", self.params)
        return cursor.fetchone()[0] not in ("", "T")

    def source(self, kind: str, alias: str) -> tuple[str, str, str, list, list]:
        """(rank expression, FROM clause, match condition, their parameters)."""
        vector = f"{alias}.search_vector"
        return (f"ts_rank_cd({vector}, {_QUERY})::float8", f"{index.TABLES[kind]} {alias}",
                f"{vector} @@ {_QUERY}", self.params, self.params)

    def excerpts(self, cursor, kind: str, ids: list[int]) -> dict[int, str]:
        source = _EXCERPT_SOURCE[kind]
        cursor.execute(
            f"SELECT id, ts_headline(%s::regconfig, translate({source}, %s, '  '), {_QUERY}, %s) "
            f"FROM {index.TABLES[kind]} WHERE id = ANY(%s)",
            [settings.SEARCH_TEXT_CONFIG, START + STOP, *self.params, _EXCERPT_OPTIONS, ids],
        )
        return dict(cursor.fetchall())

    @staticmethod
    @contextmanager
    def searching(cursor, milliseconds: int):
        """The search in a transaction of its own, set for it alone (set_config's
        `true`: SET LOCAL): a deadline for each statement, and the cost of reading a
        page out of order as an SSD or a cache has it. With PostgreSQL's default (4,
        for spinning disks) a common word is read by scanning every comment, 3-7 times
        slower than walking the few discussions the caller may read to their comments
        (bench/README.md, "Search")."""
        with transaction.atomic():
            cursor.execute("SELECT set_config('statement_timeout', %s, true), "
                           "set_config('random_page_cost', %s, true)",
                           [str(milliseconds), _RANDOM_PAGE_COST])
            yield

    @staticmethod
    def timed_out(error: OperationalError) -> bool:
        return getattr(error.__cause__, "sqlstate", None) == _QUERY_CANCELED
