"""The full-text index the database keeps of every searchable text, per vendor.

What is indexed is each post's source (Markdown and TeX as written), never its HTML:
a reader searches for the words they wrote. The database keeps the index itself, in
the transaction of the write, so an edit or a deletion is searchable the moment it
commits, whichever code wrote it.

- PostgreSQL: a stored generated `search_vector` tsvector column on the article,
  discussion and comment tables (title or topic weighted A, the body B, an article's
  authors C), each with a GIN index. (A common word matches too many comments for
  the GIN index to help: a search then walks the discussions the caller may read to
  their comments. An index by discussion holding the vectors would answer that walk
  without the table, 2.5-4 times faster, but a long post's vector is larger than a
  B-tree row may be, 2.7 KB.)
- SQLite: one FTS5 table per kind, rowid = the post's id, kept by triggers. FTS5
  tables hold their own copy of the text (not external content): `snippet()` then
  reads it without the content table, and a trigger never has to repeat exactly the
  old values to delete a row. The two snippet markers (STX, ETX) are replaced by
  spaces in the copy, so highlighted text can only carry markers FTS5 put there.

Both are built with settings.SEARCH_TEXT_CONFIG; `manage.py rebuild_search_index`
rebuilds them after it changes. On SQLite a migration that remakes one of the three
tables (Django's way of altering a column there) drops the table's triggers with it:
after every `migrate`, `repair` finds that and builds the index again. The SQL lives
here, not in the migration, so that the migration, the command and the repair build
exactly the same index.
"""

from django.conf import settings
from django.db import transaction

TABLES = {
    "article": "discussions_article",
    "discussion": "discussions_discussion",
    "comment": "discussions_comment",
}

# PostgreSQL: what each table's vector is made of; {c} is the text configuration.
_VECTORS = {
    "article": "setweight(to_tsvector({c}, title), 'A') "
               "|| setweight(to_tsvector({c}, abstract), 'B') "
               "|| setweight(to_tsvector({c}, authors), 'C')",
    "discussion": "setweight(to_tsvector({c}, topic), 'A') "
                  "|| setweight(to_tsvector({c}, content), 'B')",
    "comment": "setweight(to_tsvector({c}, content), 'B')",
}

# SQLite: the FTS5 table of each kind, its columns, and the row's text for each column
# ({r} is `new` in a trigger, the table's name in a rebuild).
FTS_TABLES = {kind: f"search_{kind}_fts" for kind in TABLES}
_STRIPPED = "replace(replace({}, char(2), ' '), char(3), ' ')"
_FTS_COLUMNS = {
    "article": {
        "title": _STRIPPED.format("{r}.title"),
        "body": _STRIPPED.format(
            "{r}.abstract || ' ' || coalesce((SELECT group_concat(value, ', ') "
            "FROM json_each({r}.authors)), '')"),
    },
    "discussion": {"topic": _STRIPPED.format("{r}.topic"),
                   "content": _STRIPPED.format("{r}.content")},
    "comment": {"content": _STRIPPED.format("{r}.content")},
}


def text_config() -> str:
    """The configured text search configuration, as an SQL literal (checked by settings
    to be a plain name, so it can be written into DDL)."""
    return f"'{settings.SEARCH_TEXT_CONFIG}'::regconfig"


def fts_tokenizer() -> str:
    """FTS5 stems English only (its porter tokenizer); other languages match words as
    written, folded to lower case and without diacritics."""
    plain = "unicode61 remove_diacritics 2"
    return f"porter {plain}" if settings.SEARCH_TEXT_CONFIG == "english" else plain


def create(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _create_statements(connection.vendor):
            cursor.execute(statement)


def rebuild(connection) -> None:
    """Drop and create again, in one transaction: searches see the old index until the
    new one is complete; writes wait for it."""
    with transaction.atomic(using=connection.alias):
        drop(connection)
        create(connection)


def repair(connection) -> bool:
    """Build the SQLite index again when a trigger is missing (its table was remade);
    True when it did. An index never built (the search migration not applied) is left
    to the migration."""
    if connection.vendor != "sqlite":
        return False  # PostgreSQL's ALTER TABLE keeps the generated columns
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
    if not present & set(FTS_TABLES.values()):
        return False
    expected = {f"{fts}_{event}" for fts in FTS_TABLES.values()
                for event in ("insert", "update", "delete")}
    if expected <= present:
        return False
    rebuild(connection)
    return True


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _drop_statements(connection.vendor):
            cursor.execute(statement)


def _create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        config = text_config()
        return [
            statement
            for kind, table in TABLES.items()
            for statement in (
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
                f"({_VECTORS[kind].format(c=config)}) STORED",
                f"CREATE INDEX search_{kind}_vector ON {table} USING gin (search_vector)",
            )
        ]
    if vendor == "sqlite":
        return [statement for kind in TABLES for statement in _fts_statements(kind)]
    raise NotImplementedError(f"full-text search on {vendor}")


def _fts_statements(kind: str) -> list[str]:
    table, fts, columns = TABLES[kind], FTS_TABLES[kind], _FTS_COLUMNS[kind]
    names = ", ".join(columns)

    def values(row: str) -> str:
        return ", ".join(text.format(r=row) for text in columns.values())

    sources = {"article": "title, abstract, authors", "discussion": "topic, content",
               "comment": "content"}[kind]
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, tokenize='{fts_tokenizer()}')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {values('new')}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {sources} ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {values('new')}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; END",
        f"INSERT INTO {fts}(rowid, {names}) SELECT id, {values(table)} FROM {table}",
    ]


def _drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        # Dropping the column drops its index.
        return [f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector"
                for table in TABLES.values()]
    if vendor == "sqlite":
        return [
            statement
            for fts in FTS_TABLES.values()
            for statement in (
                *(f"DROP TRIGGER IF EXISTS {fts}_{event}"
                  for event in ("insert", "update", "delete")),
                f"DROP TABLE IF EXISTS {fts}",
            )
        ]
    raise NotImplementedError(f"full-text search on {vendor}")
