"""One search: the matches the caller may read, a page of them in rank order, and
what each result shows.

Who may read what is decided inside the query, by the rule every read of community
contents follows (communities.access.readable_communities): public communities, and
the private ones the caller is a member of at this moment. So a page is never
filtered after the fact (which would leak counts and starve pages), and leaving a
community takes its posts out of the very next search. Deleted posts, and comments
of deleted discussions, never match; a post written under a pseudonym never matches
an author filter for the person behind it (its author_id is NULL here).

The vendors differ only in how text matches, ranks and is excerpted (search.postgres,
search.sqlite); the rest of the query, and everything after it, is this module's.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from django.conf import settings
from django.db import OperationalError, connection, transaction

from accounts.models import User
from communities import access
from communities.models import Community
from discussions.links import item_url
from discussions.models import Article, Comment, Discussion
from discussions.pseudonyms import pseudonym
from toolkit.errors import ApiError

from . import paging
from .postgres import Postgres
from .snippets import highlighted
from .sqlite import Sqlite

KINDS = ("article", "discussion", "comment")  # a kind's number is its place here

# Each kind's matches as rows of the same columns: (kind number, id, community,
# article, discussion, created_at, author or NULL, post's alias). The vendor's rank,
# FROM clause and match condition complete them; `x` is the post's alias.
_BRANCHES = {
    "article": ("0", "x.id", "p.community_id", "x.id", "NULL", "x.submitter_id",
                "JOIN discussions_placement p ON p.article_id = x.id", ""),
    "discussion": ("1", "x.id", "x.community_id", "x.article_id", "x.id",
                   "CASE WHEN x.is_pseudonymous THEN NULL ELSE x.author_id END", "",
                   "AND NOT x.is_deleted"),
    "comment": ("2", "x.id", "d.community_id", "d.article_id", "d.id",
                "CASE WHEN x.is_pseudonymous THEN NULL ELSE x.author_id END",
                "JOIN discussions_discussion d ON d.id = x.discussion_id",
                "AND NOT x.is_deleted AND NOT d.is_deleted"),
}


def _branch(kind: str, rank: str, source: str, match: str) -> str:
    number, item, community, article, discussion, author, joins, live = _BRANCHES[kind]
    return (f"SELECT {number} AS kind, {item} AS id, {community} AS community_id, "
            f"{article} AS article_id, {discussion} AS discussion_id, "
            f"x.created_at AS created_at, {author} AS author_id, {rank} AS rank "
            f"FROM {source} {joins} WHERE {match} {live}")


_ORDER = "m.rank DESC, m.created_at DESC, m.kind DESC, m.id DESC, m.community_id DESC"
_KEY = "(m.rank, m.created_at, m.kind, m.id, m.community_id)"  # the same order, as a row


@dataclass(frozen=True)
class Search:
    text: str  # cleaned (search.syntax.clean)
    community_id: int | None = None
    article_id: int | None = None
    author: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def digest(self) -> str:
        """What a cursor of this search is tied to."""
        return paging.search_digest(self.text, self.community_id, self.article_id,
                                    (self.author or "").lower(), self.kind, self.since,
                                    self.until)


def run(search: Search, viewer: User | None, limit: int, after: str | None) -> dict:
    """`{items, next_after}`: the page after `after` of the matches `viewer` may read."""
    key = paging.decode(after, search.digest) if after else None
    author_id = None
    if search.author is not None:
        author_id = (User.objects.filter(username__iexact=search.author, is_active=True)
                     .values_list("id", flat=True).first())
        if author_id is None:
            return {"items": [], "next_after": None}
    backend = Postgres(search.text) if connection.vendor == "postgresql" else Sqlite(search.text)
    try:
        with transaction.atomic(), connection.cursor() as cursor, \
                backend.deadline(cursor, settings.SEARCH_TIMEOUT_MS):
            if not backend.can_match(cursor):
                return {"items": [], "next_after": None}
            rows = _page(cursor, backend, search, viewer, author_id, key, limit + 1)
            excerpts = {
                kind: backend.excerpts(cursor, KINDS[kind], ids)
                for kind, ids in _ids_by_kind(rows[:limit]).items()
            }
    except OperationalError as error:
        if backend.timed_out(error):
            raise ApiError(503, "The search took too long; try fewer or rarer words") from None
        raise
    items = _items(rows[:limit], excerpts)
    next_after = paging.encode(rows[limit - 1][:5], search.digest) if len(rows) > limit else None
    return {"items": items, "next_after": next_after}


def _page(cursor, backend, search: Search, viewer, author_id, key, count: int) -> list[tuple]:
    branches, params = [], []
    for kind in (search.kind,) if search.kind else KINDS:
        rank, source, match, rank_params, match_params = backend.source(kind, "x")
        branches.append(_branch(kind, rank, source, match))
        params += [*rank_params, *match_params]
    readable, readable_params = (
        access.readable_communities(viewer).values("id").query.sql_with_params())
    conditions, condition_params = [f"m.community_id IN ({readable})"], list(readable_params)
    for condition, value in (
        ("m.community_id = %s", search.community_id),
        ("m.article_id = %s", search.article_id),
        ("m.author_id = %s", author_id),
        ("m.created_at >= %s", _day_start(search.since)),
        ("m.created_at < %s", _day_start(search.until, days_after=1)),
        (f"{_KEY} < (%s, %s, %s, %s, %s)", key),
    ):
        if value is not None:
            conditions.append(condition)
            condition_params += list(value) if isinstance(value, tuple) else [value]
    adapt = connection.ops.adapt_datetimefield_value  # SQLite compares them as text
    condition_params = [adapt(value) if isinstance(value, datetime) else value
                        for value in condition_params]
    cursor.execute(
        f"SELECT m.rank, m.created_at, m.kind, m.id, m.community_id, m.article_id, "
        f"m.discussion_id FROM ({' UNION ALL '.join(branches)}) m "
        f"WHERE {' AND '.join(conditions)} ORDER BY {_ORDER} LIMIT %s",
        [*params, *condition_params, count],
    )
    return [(rank, _aware(created_at), *rest) for rank, created_at, *rest in cursor.fetchall()]


def _aware(value: datetime | str) -> datetime:
    """A row's time as the ORM reads it: SQLite gives this query's times as text, in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _day_start(day: date | None, days_after: int = 0) -> datetime | None:
    """Dates are UTC days: `until` includes its whole day."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=days_after), time(), tzinfo=timezone.utc)


def _ids_by_kind(rows) -> dict[int, list[int]]:
    ids: dict[int, list[int]] = {}
    for row in rows:
        ids.setdefault(row[2], []).append(row[3])
    return ids


def _items(rows, excerpts: dict[int, dict[int, str]]) -> list[dict]:
    """The page's results with their titles, authors and links: a query per table,
    whatever the page's size. A post deleted since the page was read is left out."""
    ids = _ids_by_kind(rows)
    slugs = dict(Community.objects.filter(id__in={row[4] for row in rows})
                 .values_list("id", "slug"))
    articles = Article.objects.select_related("submitter").in_bulk(ids.get(0, []))
    discussions = Discussion.objects.select_related("author").filter(is_deleted=False) \
        .in_bulk({row[6] for row in rows if row[6] is not None})
    comments = Comment.objects.select_related("author").filter(is_deleted=False) \
        .in_bulk(ids.get(2, []))
    items = []
    for _rank, created_at, kind, item_id, community_id, article_id, discussion_id in rows:
        if kind == 0:
            article = articles.get(item_id)
            if article is None:
                continue
            title, author = article.title, _submitter(article)
        else:
            discussion = discussions.get(discussion_id)
            post = discussion if kind == 1 else comments.get(item_id)
            if discussion is None or post is None:
                continue
            title, author = discussion.topic, _author(post, article_id)
        items.append({
            "kind": KINDS[kind], "id": item_id, "community_id": community_id,
            "article_id": article_id, "discussion_id": discussion_id, "title": title,
            "snippet_html": highlighted(excerpts.get(kind, {}).get(item_id) or ""),
            "author": author, "created_at": created_at,
            "url": item_url(slugs[community_id], article_id, discussion_id,
                            item_id if kind == 2 else None),
        })
    return items


def _submitter(article: Article) -> dict | None:
    user = article.submitter
    return None if user is None else {"id": user.id, "username": user.username}


def _author(post, article_id: int) -> dict:
    """By name, or by the article's pseudonym of them: never the person behind it."""
    if post.is_pseudonymous:
        return {"id": None, "username": pseudonym(article_id, post.author_id)}
    return {"id": post.author.id, "username": post.author.username}
