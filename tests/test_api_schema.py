"""Schemathesis generates requests for every operation of the API's own OpenAPI document and checks
each answer: never a 5xx, and always what the document says (status, content type, body shape)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tracker.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def demo(shared_demo, db):
    """The demo data, served inside this test's transaction. Like Django's own test client, keep the
    connection open across requests (a real server closes it after each)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_api_operation_conforms_to_its_schema(case, demo):
    # Left out: "schema-valid data is accepted" (the document cannot list every theme or commitment
    # slug a filter accepts, and an unknown one is, by design, a 400 naming the parameter) and
    # "schema-invalid data is rejected" (an empty filter, as the pages' forms send it, means "any").
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
