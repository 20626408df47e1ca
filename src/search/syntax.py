"""What a reader types into the search box, made safe and read the way web search
engines read it (PostgreSQL's websearch_to_tsquery rules): words all must match,
"quoted words" match as a phrase, -word and -"a phrase" must not match, `or`
between two terms matches either.

PostgreSQL reads the cleaned text itself. websearch_to_tsquery fails on a long run of
operators with no word between them ("tsquery stack too small": a line of 33 dashes,
or `a-!-!-!…`), so `clean` leaves out every space-separated piece holding neither a
letter or digit nor a quote, and cuts every run of other symbols to its first: none of
them could match anything, and one still negates what follows. SQLite gets the FTS5
expression `fts5_expression` writes, in which every term is a quoted string, so no text
a reader types is ever FTS5 syntax.
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_CHARS = 500
MAX_TERMS = 32  # more are ignored: no one types them, and each costs an index lookup

# Control characters (NUL among them, which PostgreSQL cannot hold), lone surrogates
# (which cannot be encoded) and unassigned code points are separators, like spaces.
_SEPARATOR_CATEGORIES = {"Cc", "Cs", "Cn"}
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_SYMBOL_RUN = re.compile(r'[^\w\s"]{2,}')


class QueryError(ValueError):
    """A query that is refused (400) with this message."""


def _can_matter(piece: str) -> bool:
    """Whether a piece of the query holds a word, or a quote that may open or close a
    phrase; operators and symbols alone are none of either."""
    return '"' in piece or any(ch.isalnum() for ch in piece)


def clean(text: str) -> str:
    """The query as searched: separators for unsafe characters, whitespace collapsed;
    QueryError when nothing is left or it is too long."""
    if len(text) > MAX_CHARS:
        raise QueryError(f"The search is longer than {MAX_CHARS} characters")
    text = "".join(" " if unicodedata.category(ch) in _SEPARATOR_CATEGORIES else ch for ch in text)
    text = _SYMBOL_RUN.sub(lambda run: run[0][0], text)
    text = " ".join(piece for piece in text.split() if _can_matter(piece))
    if not text:
        raise QueryError("Type something to search for")
    return text


@dataclass
class Parsed:
    """Each group is a list of terms of which one must match (terms joined by `or`);
    every group must match, and none of `excluded`."""

    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def phrase(self) -> str | None:
        """The words of a query of single required words, in order, when there are
        several: a text holding them as a phrase ranks first."""
        words = [group[0] for group in self.groups if len(group) == 1]
        return " ".join(words) if len(words) > 1 and len(words) == len(self.groups) else None


def parse(text: str) -> Parsed:
    parsed = Parsed()
    join_next = False
    for match in list(_TERM.finditer(text))[:MAX_TERMS]:
        negated, quoted, word = match.groups()
        if word is not None and word.lower() == "or":
            join_next = bool(parsed.groups)
            continue
        if word is not None and word.startswith("-"):
            negated, word = "-", word[1:]
        term = quoted if word is None else word
        if not any(ch.isalnum() for ch in term):
            continue  # no word in it: punctuation or symbols alone match nothing
        if negated:
            parsed.excluded.append(term)
        elif join_next:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        join_next = False
    return parsed


def _fts5_string(term: str) -> str:
    """A term as an FTS5 string: its words as a phrase, never as syntax."""
    return '"' + term.replace('"', '""') + '"'


def fts5_expression(parsed: Parsed) -> str | None:
    """The FTS5 query of a parsed search; None when nothing can match (no term
    required: a query of exclusions alone would read the whole index)."""
    if not parsed.groups:
        return None
    required = " AND ".join(
        "(" + " OR ".join(_fts5_string(term) for term in group) + ")" for group in parsed.groups
    )
    if not parsed.excluded:
        return required
    return f"({required}) NOT (" + " OR ".join(map(_fts5_string, parsed.excluded)) + ")"


def fts5_phrase(parsed: Parsed) -> str | None:
    phrase = parsed.phrase
    return None if phrase is None else _fts5_string(phrase)
