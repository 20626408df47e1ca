"""The API's Prometheus metrics (`GET /api/metrics`): counts only, never a user.

Requests by route (latency, answers by status, database queries: request_metrics) and
the renderer's counters (richtext.metrics).

prometheus_client keeps them. Under gunicorn every worker writes its own into
PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py makes one per start) and this view adds
them up across the workers; elsewhere (runserver, tests) the one process serves its own.
"""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

import richtext.metrics  # noqa: F401  (registers the rendering metrics)

from . import request_metrics  # noqa: F401  (registers the request metrics)


def _registry():
    if not settings.METRICS_MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


@require_GET
def metrics(request):
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_PLAIN_0_0_4)
