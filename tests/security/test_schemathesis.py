"""Fuzzing the API with schemathesis against the project's own OpenAPI schema (issue 7).

Every operation of the schema, as each role (token auth; the gate counter's endpoints with a device token), with
generated parameters and bodies: half aimed at the real objects of the world (so the happy paths are reached),
half at whatever the schema allows. No answer may be a server error, and every answer must match the schema
(body and content type). Bounded and derandomised: the same requests on every run."""
import json
import re

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import ServerError, not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from .figures import FIGURES
from .fixtures import *  # noqa: F401,F403 (the world, built once for the module)
from .urlmatrix import ROUTES, path_values
from .world import (
    ANONYMOUS, COMPANY_NAMED, CULTURE_ASSIGNED, DISTRICT_SUPERVISOR, OTHER_ORGANIZER, OWNER,
)

pytestmark = pytest.mark.django_db
FIGURES.update({"fuzzing: server errors": 0, "fuzzing: schema violations": 0})  # reported even when none

ROLES = (OWNER, DISTRICT_SUPERVISOR, CULTURE_ASSIGNED, COMPANY_NAMED, OTHER_ORGANIZER, ANONYMOUS)
EXAMPLES = 6  # per operation and role
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _schema_dict() -> dict:
    # Through JSON: lazy translations and other objects become plain strings, as the served schema has them.
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


SCHEMA = _schema_dict()
OPERATIONS = [(path, method.upper()) for path, item in SCHEMA["paths"].items() for method in item
              if method in ("get", "post", "put", "patch", "delete")]
ROUTES_BY_NAME = {r.name: r for r in ROUTES}


@pytest.fixture(scope="module")
def api():
    schema = schemathesis.openapi.from_dict(SCHEMA)
    schema.app = WSGIHandler()
    return schema


@pytest.fixture
def in_process_requests():
    """Requests run through the WSGI handler inside the world's transaction: a real server closes the database
    connection at the start and end of each request, which would end that transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def real_path_parameters(path: str, world) -> dict:
    """The schema's path parameters filled with the world's objects (the matrix knows what each one names)."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return {}
    match = resolve(re.sub(r"{(\w+)}", lambda m: "x" if m.group(1) == "code" else "1", path))
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    values = path_values(ROUTES_BY_NAME[name], world) or {}
    return {n: values.get("pk" if n == "id" else n) for n in names if values.get("pk" if n == "id" else n)}


def _headers(operation, role, world) -> dict:
    if any("gateDevice" in requirement for requirement in operation.definition.raw.get("security", [])):
        return {"Authorization": f"Device {world.device_token}"}
    token = world.tokens.get(role)
    return {"Authorization": f"Token {token}"} if token else {}


def _failures(exc) -> list:
    return list(getattr(exc, "exceptions", None) or [exc])


@pytest.mark.slow
@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_api_answers_without_server_errors_and_as_documented(path, method, world, api, in_process_requests):
    operation = api[path][method]
    real = real_path_parameters(path, world)
    strategy = operation.as_strategy()
    if real:
        strategy = st.one_of(operation.as_strategy(path_parameters=real), strategy)
    found = []
    for role in ROLES:
        headers = _headers(operation, role, world)
        if role != ROLES[0] and not headers.get("Authorization", "").startswith("Token") and headers:
            continue  # the device endpoints: one pass is enough

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate))
        def run(case):
            with transaction.atomic():
                response = case.call(headers=headers)
                FIGURES["fuzzing: requests sent"] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 (all counted and reported below)
                    for failure in _failures(exc):
                        kind = "server errors" if isinstance(failure, ServerError) else "schema violations"
                        FIGURES[f"fuzzing: {kind}"] += 1
                        found.append(f"{role}: {case.method} {case.formatted_path} → {response.status_code}: "
                                     f"{getattr(failure, 'title', type(failure).__name__)}: "
                                     f"{str(failure)[:300]}")
                transaction.set_rollback(True)

        run()
    assert not found, f"{len(found)} failures:\n" + "\n".join(found[:20])


def test_the_fuzzer_notices_a_server_error_and_an_undocumented_body(world, in_process_requests, monkeypatch):
    """The fuzzer's own eyes: a body the schema does not describe, and a 500, are both reported."""
    schema = json.loads(json.dumps(SCHEMA))
    schema["paths"]["/api/notifications/unread-count/"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"] = {"type": "object", "required": ["not_there"]}
    api = schemathesis.openapi.from_dict(schema)
    api.app = WSGIHandler()
    case = api["/api/notifications/unread-count/"]["GET"].Case()
    headers = {"Authorization": f"Token {world.tokens[OWNER]}"}
    with pytest.raises(BaseExceptionGroup) as mismatch:
        case.validate_response(case.call(headers=headers), checks=CHECKS)
    assert not any(isinstance(f, ServerError) for f in _failures(mismatch.value))

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr("notifications.api.unread_count", broken)
    with pytest.raises(BaseExceptionGroup) as crash:
        case.validate_response(case.call(headers=headers), checks=CHECKS)
    assert any(isinstance(f, ServerError) for f in _failures(crash.value))
