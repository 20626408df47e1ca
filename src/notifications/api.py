"""The caller's notification preferences."""

from ninja import Router, Schema

from accounts.auth import jwt_auth
from toolkit.rate_limits import limit_writes

from .models import NotificationPreferences

router = Router(tags=["notifications"], auth=jwt_auth)
router.add_decorator(limit_writes)


class PreferencesOut(Schema):
    desktop: bool
    sound: bool


class PreferencesIn(Schema):
    desktop: bool | None = None
    sound: bool | None = None


def _current(user) -> NotificationPreferences:
    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(
        user=user
    )


@router.get("/notification-preferences", response=PreferencesOut)
def get_preferences(request):
    return _current(request.auth)


@router.put("/notification-preferences", response=PreferencesOut)
def update_preferences(request, payload: PreferencesIn):
    """Change the given preferences; omitted ones keep their value."""
    changes = payload.dict(exclude_none=True)
    preferences, _ = NotificationPreferences.objects.update_or_create(
        user=request.auth, defaults=changes
    )
    return preferences
