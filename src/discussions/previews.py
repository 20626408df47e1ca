"""The composer's preview: a text rendered exactly as a post would show it, without
posting it.

A composer asks as its writer pauses, more often than anyone posts, so previews have a
limit of their own instead of counting as writes (which would leave a writer who
previewed a lot unable to post); a preview costs the server what a post's rendering
does, so the limit is there all the same, and only signed-in users preview.
"""

from ninja import Router

from accounts.auth import jwt_auth
from toolkit.rate_limits import Limit

from .rendering import render
from .schemas import RenderIn, RenderOut

router = Router(tags=["articles and discussions"])
PREVIEWS_PER_USER = Limit("previews_per_user", "Too many previews in a short time")


@router.post("/render", response=RenderOut, auth=jwt_auth)
def render_preview(request, payload: RenderIn):
    """`content` rendered exactly as a post would show it."""
    PREVIEWS_PER_USER.hit(f"user:{request.auth.pk}")
    return {"content_html": render(payload.content, request.auth.pk)}
