"""Search on SQLite: the FTS5 tables (search.index), bm25 and snippet().

bm25 weighs how often and how rarely words occur, not how near each other they
are, so a text holding the query's words as a phrase is ranked above the rest
explicitly (PostgreSQL's ts_rank_cd measures nearness itself).
"""

import time
from contextlib import contextmanager

from django.db import OperationalError

from . import index, syntax
from .snippets import START, STOP

_COLUMN_WEIGHTS = {"article": "10.0, 1.0", "discussion": "10.0, 1.0", "comment": "1.0"}
# The column an excerpt is cut from: -1 lets FTS5 pick an article's best (title or
# abstract and authors); a discussion's content; a comment's only column.
_EXCERPT_COLUMN = {"article": -1, "discussion": 1, "comment": 0}
_PHRASE_BONUS = 1000.0  # above any bm25 score: phrase matches come first
_STEPS_PER_CHECK = 10_000  # SQLite virtual machine steps between looks at the clock


class Sqlite:
    def __init__(self, text: str):
        parsed = syntax.parse(text)
        self.expression = syntax.fts5_expression(parsed)
        self.phrase = syntax.fts5_phrase(parsed)

    def can_match(self, cursor) -> bool:
        return self.expression is not None

    def source(self, kind: str, alias: str) -> tuple[str, str, str, list, list]:
        fts = index.FTS_TABLES[kind]
        rank = f"-bm25({fts}, {_COLUMN_WEIGHTS[kind]})"
        rank_params = []
        if self.phrase is not None:
            rank += (f" + CASE WHEN {fts}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
                     f" THEN {_PHRASE_BONUS} ELSE 0 END")
            rank_params.append(self.phrase)
        return (rank, f"{fts} JOIN {index.TABLES[kind]} {alias} ON {alias}.id = {fts}.rowid",
                f"{fts} MATCH %s", rank_params, [self.expression])

    def excerpts(self, cursor, kind: str, ids: list[int]) -> dict[int, str]:
        fts = index.FTS_TABLES[kind]
        places = ", ".join("%s" for _ in ids)
        cursor.execute(
            f"SELECT rowid, snippet({fts}, {_EXCERPT_COLUMN[kind]}, %s, %s, '…', 24) FROM {fts} "
            f"WHERE {fts} MATCH %s AND rowid IN ({places})",
            [START, STOP, self.expression, *ids],
        )
        return dict(cursor.fetchall())

    @staticmethod
    @contextmanager
    def searching(cursor, milliseconds: int):
        """A deadline for the whole search: SQLite interrupts a statement when the
        progress handler answers true. No transaction: with the settings'
        BEGIN IMMEDIATE one would take the write lock, and searches would wait for
        writes and hold them up."""
        ends = time.monotonic() + milliseconds / 1000
        connection = cursor.db.connection
        connection.set_progress_handler(lambda: time.monotonic() > ends, _STEPS_PER_CHECK)
        try:
            yield
        finally:
            connection.set_progress_handler(None, 0)

    @staticmethod
    def timed_out(error: OperationalError) -> bool:
        return "interrupted" in str(error)
