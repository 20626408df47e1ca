from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from . import revocation  # noqa: F401  (connects the signal receivers)
