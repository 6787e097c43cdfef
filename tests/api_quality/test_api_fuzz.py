"""Schemathesis over the whole OpenAPI schema, as every role and anonymously (issue 8).

Each identity runs every operation with generated data (positive and negative), half of the
time on the ids of the dataset, and checks: no 5xx, documented status codes and content types,
bodies that match the schema. FUZZ_EXAMPLES sets the examples per operation and identity.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_quality.dataset import ANON
from viaticos.roles import Role

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
WHO = [ANON, *[role.value for role in Role]]


@pytest.fixture(scope="module")
def in_test_transaction():
    """Like Django's test client: the request signals must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(in_test_transaction):
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _ids(data, operation) -> dict:
    """Path parameters pointing at dataset objects, for operations that take an id."""
    path = operation.path
    objects = {
        "/missions/": data["submitted_mission"].pk,
        "/advances/": data["advance"].pk,
        "/settlements/": data["settlement"].pk,
        "/receipts/": data["receipt"].pk,
        "/sanctions/": data["sanction"].pk,
    }
    if "{tracking_code}" in path:
        return {"tracking_code": data["arco"].tracking_code}
    for prefix, pk in objects.items():
        if "{id}" in path and prefix in path:
            return {"id": pk}
    return {}


def _strategy(operation, data):
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    strategies = [operation.as_strategy(generation_mode=mode) for mode in modes]
    ids = _ids(data, operation)
    if ids:
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters=ids) for mode in modes
        ]
    return st.one_of(strategies)


@pytest.mark.parametrize("who", WHO)
def test_api_fuzz(schema, data, record_property, who):
    headers = {"Authorization": f"Token {data['tokens'][who]}"} if who != ANON else {}
    stats: Counter = Counter()
    started = time.monotonic()
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, data))
        def run(case):
            call_headers = dict(headers)
            if who == ANON:
                call_headers.pop("Authorization", None)
            response = case.call(headers=call_headers or None)
            stats["requests"] += 1
            stats[f"{response.status_code // 100}xx"] += 1
            case.validate_response(response, checks=CHECKS, headers=call_headers)

        try:
            run()
            stats["operations"] += 1
        except Exception as exc:  # collect every operation's failure, then fail once
            failures.append(f"{operation.label}: {exc}")
    stats["seconds"] = round(time.monotonic() - started)
    record_property("fuzz", {"who": who, **stats})  # summed up at the end of the run
    assert not failures, "\n\n".join(failures)


def _attack_files() -> list[tuple[str, bytes, str]]:
    """The hand-made files of the security attacks (issue 18): what generation rarely makes."""
    from tests.settlements.test_security_attacks import BOMB_17KB, BOMB_400MP, DISGUISED_PDF

    return [
        ("bomb-144mp.png", BOMB_17KB, "image/png"),
        ("bomb-420mp.png", BOMB_400MP, "image/png"),
        ("disguised.pdf", DISGUISED_PDF, "application/pdf"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<<", "application/pdf"),
        ("program.png", b"MZ\x90\x00 not an image", "image/png"),
    ]


REFUSED_FILE_CODES = {"image_too_large", "file_corrupt", "file_type_not_allowed"}


@pytest.mark.parametrize("name, content, kind", _attack_files(), ids=lambda v: str(v)[:16])
def test_api_attack_files_are_refused_as_documented(schema, data, name, content, kind):
    """Every multipart operation that takes a file answers the hand-made attack files with a
    documented 4xx `{"code", "detail"}`, never a 5xx (the schema checks apply)."""
    headers = {"Authorization": f"Token {data['tokens'][Role.TRAVELER.value]}"}
    operation = schema["/api/v1/receipts/read/"]["POST"]
    case = operation.Case(body={"file": (name, content, kind)}, media_type="multipart/form-data")
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    assert response.status_code == 400, response.text
    # refused for what the file is, not for a missing field
    assert response.json()["code"] in REFUSED_FILE_CODES, response.json()
