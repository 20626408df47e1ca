from ninja import Router

from accounts.auth import current_user, optional_jwt

from . import visibility
from .schemas import ProfileOut

router = Router(tags=["profiles"])


@router.get("/{username}", response=ProfileOut, auth=optional_jwt)
def get_profile(request, username: str):
    """A person's profile, as the caller may see it (profiles.visibility says what that is).
    404 for a username no active account holds."""
    viewer = current_user(request)
    person = visibility.person_named(username)
    return {
        "id": person.id,
        "username": person.username,
        "display_name": person.display_name,
        "joined": person.date_joined,
        "shared_communities": visibility.shared_communities(person, viewer),
        "recent_posts": visibility.recent_posts(person, viewer),
    }
