"""What each API request costs, counted for Prometheus (`GET /api/metrics`).

Labelled by route, the URL pattern a request matched (`/api/discussions/<discussion_id>`),
never the path itself: ids in paths would make a series per object, and anyone may send
any path. Requests no pattern matched are `unmatched`, static files `static`, and methods
outside HTTP's usual few `other`, so the number of series is bounded by the code, not by
the clients.

The metrics live in the process's default registry: under gunicorn each worker writes
them to PROMETHEUS_MULTIPROC_DIR and the metrics view adds the workers up (see
marginalia.metrics), like the renderer's counters.
"""

import time

from django.conf import settings
from django.db import connection
from django.urls import Resolver404, resolve
from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "marginalia_api_request_seconds",
    "Time from the request reaching Django to its answer, by route and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
RESPONSES = Counter(
    "marginalia_api_responses", "Answers by route, method and HTTP status",
    ["route", "method", "status"])
DB_QUERIES = Histogram(
    "marginalia_api_db_queries", "Database queries one request made, by route",
    ["route"], buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89))

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
STATIC = "static"


class _QueryCounter:
    """Counts the queries of one request. Installed on the request thread's own
    connection (Django keeps one per thread), so gunicorn's threads never share one."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before the URL was resolved: a static file (WhiteNoise), a CORS
        # preflight, a redirect to HTTPS, a refused Host. Resolve it here, for its label.
        if request.path_info.startswith(settings.STATIC_URL):
            return STATIC
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return UNMATCHED
    return "/" + match.route if match.route is not None else UNMATCHED


class RequestMetricsMiddleware:
    """Outermost, so it times what every other middleware adds and sees the final status
    (Django turns exceptions into answers below it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(route, method).observe(elapsed)
        RESPONSES.labels(route, method, str(response.status_code)).inc()
        DB_QUERIES.labels(route).observe(queries.count)
        return response
