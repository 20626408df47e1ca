"""GET /api/search: everything the caller may read, by relevance.

Anyone may search (anonymous callers see public communities only); a bad token is
still a 401. Searches are limited per user, and per address for anonymous callers,
apart from writes: a search box asks as its reader types.
"""

from ninja import Query, Router

from accounts.auth import current_user, optional_jwt
from profiles.visibility import USERNAME
from toolkit.errors import ApiError
from toolkit.rate_limits import Limit, client_address

from . import query, syntax
from .schemas import SearchOut, SearchQuery

router = Router(tags=["search"])
SEARCHES_PER_USER = Limit("searches_per_user", "Too many searches in a short time")
SEARCHES_PER_IP = Limit("searches_per_ip", "Too many searches in a short time")


@router.get("/search", response=SearchOut, auth=optional_jwt)
def search(request, params: Query[SearchQuery]):
    """Articles, discussions and comments matching `q`, most relevant first (ties:
    newest first), among those the caller may read now; one result per community for
    an article placed in several. 400 for a blank `q` or one that is too long, a
    malformed date or a cursor this search did not give."""
    viewer = current_user(request)
    if viewer is None:
        SEARCHES_PER_IP.hit(f"ip:{client_address(request)}")
    else:
        SEARCHES_PER_USER.hit(f"user:{viewer.pk}")
    try:
        text = syntax.clean(params.q)
        search = query.Search(text, params.community_id, params.article_id, params.author,
                              params.kind, params.since, params.until)
        if params.author is not None and not USERNAME.fullmatch(params.author):
            return {"items": [], "next_after": None}  # names no one
        return query.run(search, viewer, params.limit, params.after)
    except syntax.QueryError as error:
        raise ApiError(400, str(error)) from None
