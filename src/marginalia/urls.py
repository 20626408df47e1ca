from django.urls import include, path

from . import health, metrics
from .api import api

urlpatterns = [
    # Before the API's own routes, and outside its schema: these are for operators.
    path("api/health", health.liveness, name="health"),
    path("api/ready", health.readiness, name="ready"),
    path("api/metrics", metrics.metrics, name="metrics"),
    path("api/", api.urls),
    path("", include("web.urls")),
]
