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
from django.db import OperationalError, connection

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


@dataclass(frozen=True)
class _Branch:
    """A kind's matches as rows of the same columns. The vendor's rank, FROM clause and
    match condition complete it; `x` is the post's alias."""

    number: str
    community: str
    article: str
    discussion: str
    author: str  # NULL for a post under a pseudonym: no author filter can match it
    joins: str
    live: str  # deleted posts never match

    def sql(self, rank: str, source: str, match: str, conditions: list[str]) -> str:
        """Every condition inside the branch, where it can use the tables' indexes
        (PostgreSQL does not push a semi-join into the members of a UNION)."""
        where = " AND ".join([match, self.live, *map(self._placed, conditions)])
        return (f"SELECT {self.number} AS kind, x.id AS id, {self.community} AS community_id, "
                f"{self.article} AS article_id, {self.discussion} AS discussion_id, "
                f"x.created_at AS created_at, {rank} AS rank "
                f"FROM {source} {self.joins} WHERE {where}")

    def _placed(self, condition: str) -> str:
        """A condition on {community}, {article} or {author}, in this branch's columns
        (replaced, not formatted: the rest is SQL, whatever braces it holds)."""
        for name in ("community", "article", "author"):
            condition = condition.replace("{" + name + "}", getattr(self, name))
        return condition


_PSEUDONYMOUS_OR_AUTHOR = "CASE WHEN x.is_pseudonymous THEN NULL ELSE x.author_id END"
_BRANCHES = {
    "article": _Branch("0", "p.community_id", "x.id", "NULL", "x.submitter_id",
                       "JOIN discussions_placement p ON p.article_id = x.id", "TRUE"),
    "discussion": _Branch("1", "x.community_id", "x.article_id", "x.id",
                          _PSEUDONYMOUS_OR_AUTHOR, "", "NOT x.is_deleted"),
    "comment": _Branch("2", "d.community_id", "d.article_id", "d.id", _PSEUDONYMOUS_OR_AUTHOR,
                       "JOIN discussions_discussion d ON d.id = x.discussion_id",
                       "NOT x.is_deleted AND NOT d.is_deleted"),
}
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
        with connection.cursor() as cursor, backend.searching(cursor, settings.SEARCH_TIMEOUT_MS):
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
    readable, readable_params = (
        access.readable_communities(viewer).order_by().values("id").query.sql_with_params())
    conditions = ["{community} IN (" + readable + ")"]
    condition_params = list(readable_params)
    for condition, value in (
        ("{community} = %s", search.community_id),
        ("{article} = %s", search.article_id),
        ("{author} = %s", author_id),
        ("x.created_at >= %s", _day_start(search.since)),
        ("x.created_at < %s", _day_start(search.until, days_after=1)),
    ):
        if value is not None:
            conditions.append(condition)
            condition_params.append(value)
    branches, params = [], []
    for kind in (search.kind,) if search.kind else KINDS:
        rank, source, match, rank_params, match_params = backend.source(kind, "x")
        branches.append(_BRANCHES[kind].sql(rank, source, match, conditions))
        params += [*rank_params, *match_params, *condition_params]
    after = ""
    if key is not None:
        after = f"WHERE {_KEY} < (%s, %s, %s, %s, %s)"
        params += key
    adapt = connection.ops.adapt_datetimefield_value  # SQLite compares them as text
    cursor.execute(
        f"SELECT m.rank, m.created_at, m.kind, m.id, m.community_id, m.article_id, "
        f"m.discussion_id FROM ({' UNION ALL '.join(branches)}) m {after} "
        f"ORDER BY {_ORDER} LIMIT %s",
        [adapt(value) if isinstance(value, datetime) else value for value in params] + [count],
    )
    return [(rank, _aware(created_at), *rest) for rank, created_at, *rest in cursor.fetchall()]


def _aware(value: datetime | str) -> datetime:
    """A row's time as the ORM reads it: SQLite gives this query's times as text, in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _day_start(day: date | None, days_after: int = 0) -> datetime | None:
    """Dates are UTC days: `until` includes its whole day (the calendar's last bounds
    nothing)."""
    if day is None or day > date.max - timedelta(days=days_after):
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
    # Without their texts, which may be long: the excerpts are cut in the database.
    articles = (Article.objects.select_related("submitter")
                .only("title", "submitter__username").in_bulk(ids.get(0, [])))
    discussions = (Discussion.objects.select_related("author").filter(is_deleted=False)
                   .only("topic", "is_pseudonymous", "author__username")
                   .in_bulk({row[6] for row in rows if row[6] is not None}))
    comments = (Comment.objects.select_related("author").filter(is_deleted=False)
                .only("is_pseudonymous", "author__username").in_bulk(ids.get(2, [])))
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
