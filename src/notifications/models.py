from django.conf import settings
from django.db import models


class NotificationPreferences(models.Model):
    """How a user wants to hear about activity in tabs they are not looking at.

    Kept on the server so the choice follows the user to every browser. Both
    are off until the user turns them on; a user without a row has the defaults.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    desktop = models.BooleanField(default=False)  # a desktop notification while the tab is hidden
    sound = models.BooleanField(default=False)  # a short tone for new activity
    updated_at = models.DateTimeField(auto_now=True)
