from typing import Annotated

from pydantic import Field

# Database ids are positive 64-bit integers; anything else is rejected as bad
# input before it can reach (and overflow) a query.
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
