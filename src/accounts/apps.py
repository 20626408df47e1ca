from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from . import revocation, sessions  # noqa: F401  (connect their signal receivers)
