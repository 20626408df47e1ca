"""The API's request metrics: labelled by route, never by path; answers by status;
the queries each request made, counted on its own thread's connection.
Through gunicorn's workers: tests/integration/test_production.py."""

import threading

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY, generate_latest

from marginalia.request_metrics import RequestMetricsMiddleware


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Counted:
    """The change of one sample across a block."""

    def __init__(self, name: str, **labels: str):
        self.name, self.labels = name, labels

    def __enter__(self):
        self.before = _value(self.name, **self.labels)
        return self

    def __exit__(self, *exc):
        self.delta = _value(self.name, **self.labels) - self.before


def test_requests_are_counted_by_route_never_by_path(api, lab):
    route = "/api/discussions/<discussion_id>"
    with Counted("marginalia_api_responses_total", route=route, method="GET",
                 status="200") as found, \
            Counted("marginalia_api_responses_total", route=route, method="GET",
                    status="404") as missing, \
            Counted("marginalia_api_request_seconds_count", route=route, method="GET") as timed:
        assert api.get(f"/api/discussions/{lab.discussion.id}", as_=lab.member).status_code == 200
        for unknown in (987_654, 987_655):
            assert api.get(f"/api/discussions/{unknown}", as_=lab.member).status_code == 404

    assert (found.delta, missing.delta, timed.delta) == (1, 2, 3)
    exposed = generate_latest(REGISTRY).decode()
    assert "987654" not in exposed and f"/api/discussions/{lab.discussion.id}\"" not in exposed


def test_unknown_paths_static_files_and_odd_methods_share_a_few_labels(api, db):
    with Counted("marginalia_api_responses_total", route="unmatched", method="GET",
                 status="404") as unmatched, \
            Counted("marginalia_api_request_seconds_count", route="static",
                    method="GET") as static, \
            Counted("marginalia_api_responses_total", route="/api/health", method="other",
                    status="405") as odd:
        for n in range(3):
            api.get(f"/api/no-such-thing/{n}")
        api.get("/static/web/no-such-file-42.js")
        api.request("BREW", "/api/health")

    assert (unmatched.delta, static.delta, odd.delta) == (3, 1, 1)
    assert "no-such-thing" not in generate_latest(REGISTRY).decode()


def test_answers_made_before_routing_carry_their_route(api, db, settings):
    """A CORS preflight is answered by its middleware before URLs are resolved."""
    origin = settings.CORS_ALLOWED_ORIGINS[0]
    route = "/api/communities/<community_id>"
    with Counted("marginalia_api_responses_total", route=route, method="OPTIONS",
                 status="200") as preflights:
        answer = api.request("OPTIONS", "/api/communities/5", headers={
            "Origin": origin, "Access-Control-Request-Method": "GET"})

    assert answer.status_code == 200 and answer["access-control-allow-origin"] == origin
    assert preflights.delta == 1


def test_the_queries_a_request_made_are_counted(api, lab):
    route = "/api/discussions/<discussion_id>/comments"
    with Counted("marginalia_api_db_queries_sum", route=route) as queries, \
            Counted("marginalia_api_db_queries_count", route=route) as requests, \
            CaptureQueriesContext(connection) as captured:
        assert api.get(f"/api/discussions/{lab.discussion.id}/comments",
                       as_=lab.member).status_code == 200

    assert requests.delta == 1
    assert queries.delta == len(captured.captured_queries) > 0


@pytest.mark.django_db(transaction=True)
def test_queries_are_counted_per_thread_as_gunicorn_threads_run_requests():
    """Two requests at once on two threads, their queries interleaved: each counts its own."""
    turns = threading.Barrier(2)

    def view_running(queries: int):
        def view(request):
            for _ in range(queries):
                turns.wait(5)  # the other thread queries between each of ours
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            connection.close()
            return HttpResponse("ok")
        return view

    def run(path: str, queries: int):
        request = RequestFactory().get(path)
        RequestMetricsMiddleware(view_running(queries))(request)

    with Counted("marginalia_api_db_queries_sum", route="/api/health") as health, \
            Counted("marginalia_api_db_queries_sum", route="/api/ready") as ready:
        threads = [threading.Thread(target=run, args=(path, 4))
                   for path in ("/api/health", "/api/ready")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)

    assert (health.delta, ready.delta) == (4, 4)


def test_the_metrics_view_serves_requests_and_rendering(api, db):
    api.get("/api/health")
    exposed = api.get("/api/metrics").content.decode()

    for name in ("marginalia_api_request_seconds", "marginalia_api_responses_total",
                 "marginalia_api_db_queries", "marginalia_render_formulas_total"):
        assert f"# HELP {name} " in exposed, name
    assert 'marginalia_api_responses_total{method="GET",route="/api/health",status="200"}' in exposed
