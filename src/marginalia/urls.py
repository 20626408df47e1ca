from django.urls import include, path

from . import error_handlers, health, metrics
from .api import api

urlpatterns = [
    # Before the API's own routes, and outside its schema: these are for operators.
    path("api/health", health.liveness, name="health"),
    path("api/ready", health.readiness, name="ready"),
    path("api/metrics", metrics.metrics, name="metrics"),
    path("api/", api.urls),
    path("", include("web.urls")),
]

handler400 = error_handlers.bad_request
handler403 = error_handlers.forbidden
handler404 = error_handlers.not_found
handler500 = error_handlers.server_error
