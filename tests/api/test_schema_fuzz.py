"""Schemathesis over the whole OpenAPI schema of the API, in-process through
the WSGI application: anonymous, with the token of a member of a private
community, and with that token and path ids pointing at that member's real
community, article, discussion and comment. No request may end in a 500, and
every documented response must match its schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from marginalia.wsgi import application

# django-ninja writes OpenAPI 3.1, which Schemathesis 3 reads as an experiment.
schemathesis.experimental.OPEN_API_3_1.enable()
schema = schemathesis.from_wsgi("/api/openapi.json", application)

CHECKS = (not_a_server_error, response_schema_conformance, content_type_conformance)

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def in_test_transaction(db):
    """Requests share the test's transaction: keep Django's request signals
    from closing the connection in the middle of it (as django.test.Client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def member_lab(in_test_transaction, make_lab, make_discussion, make_comment):
    """A member of a private community, and objects of that community to aim at."""
    lab = make_lab("private")
    reply = make_comment(lab.member, lab.discussion, parent=lab.comment)
    return lab, reply


def _real_ids(lab, reply) -> dict:
    return {
        "community_id": lab.community.id,
        "article_id": lab.article.id,
        "discussion_id": lab.discussion.id,
        "comment_id": reply.id,
        "user_id": lab.member.id,
        "slug": lab.community.slug,
        "username": lab.member.username,
    }


def _check(case, headers=None):
    response = case.call_wsgi(headers=headers)
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_anonymous(case, in_test_transaction):
    _check(case)


@schema.parametrize()
@FUZZ
def test_member_of_a_private_community(case, member_lab):
    lab, _ = member_lab
    _check(case, {"Authorization": f"Bearer {lab.member.access}"})


@schema.parametrize()
@FUZZ
def test_member_on_real_objects(case, member_lab):
    lab, reply = member_lab
    if case.path_parameters:
        ids = _real_ids(lab, reply)
        for name in case.path_parameters:
            if name in ids:
                case.path_parameters[name] = ids[name]
    _check(case, {"Authorization": f"Bearer {lab.member.access}"})
