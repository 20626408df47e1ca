"""Every list the API answers comes a page at a time, at most MAX_PAGE_SIZE items.

A larger `limit` is refused like any malformed query parameter (400), never
clamped: a client asking for 1000 learns at once that it gets 100 at most.
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from .types import MAX_ID

MAX_PAGE_SIZE = 100


class Pagination(LimitOffsetPagination):
    """`{items, count}` with `count` the total: limit/offset, bounded."""

    class Input(Schema):
        limit: int = Field(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_ID)


class Window(Schema):
    """limit/offset for lists answered as plain arrays (their shape predates paging)."""

    limit: int = Field(
        MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE} items"
    )
    offset: int = Field(0, ge=0, le=MAX_ID)

    def of(self, queryset):
        return queryset[self.offset : self.offset + self.limit]
