"""Every API error code comes from one catalogue (issue 16): a StrEnum per app, registered in
viaticos.errors and listed in the OpenAPI schema."""

import ast
from pathlib import Path

from viaticos.errors import _catalogues, error_catalogue

ROOT = Path(__file__).resolve().parents[2]
APPS = ("viaticos", "missions", "settlements", "deadlines", "privacy", "books")
RAISING = {"DomainError", "NotAllowed", "ServiceUnavailable"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _code_argument(node: ast.Call) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg == "code":
            return keyword.value
    return node.args[0] if node.args else None


def _catalogued() -> set[str]:
    return {code for codes in error_catalogue().values() for code in codes}


def test_every_app_with_error_codes_has_a_catalogue():
    assert set(error_catalogue()) >= {
        "common",
        "missions",
        "settlements",
        "deadlines",
        "privacy",
        "books",
    }


def test_no_error_is_raised_with_a_free_string_code():
    """`DomainError(MissionsError.ADVANCE_EXISTS, …)`, never `DomainError("advance_exists", …)`."""
    free = [
        f"{path.relative_to(ROOT)}:{node.lineno} {argument.value!r}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called(node) in RAISING
        for argument in [_code_argument(node)]
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    ]
    assert free == []


def test_every_code_named_where_an_error_is_raised_is_in_a_catalogue():
    """The enum members used, and the per-diem engine's codes (plain strings: the engine
    imports nothing from Django and reaches the API through missions.perdiem_messages)."""
    catalogued = _catalogued()
    enums = {enum.__name__: enum for enum in _catalogues.values()}
    unknown = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            argument = _code_argument(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if _called(node) == "PerDiemError" and isinstance(argument, ast.Constant):
                if argument.value not in catalogued:
                    unknown.append(f"{where} {argument.value}")
            elif (
                _called(node) in RAISING
                and isinstance(argument, ast.Attribute)
                and isinstance(argument.value, ast.Name)
                and argument.value.id.endswith("Error")
            ):
                enum = enums.get(argument.value.id)
                if enum is None or argument.attr not in enum.__members__:
                    unknown.append(f"{where} {argument.value.id}.{argument.attr}")
    assert unknown == []


def test_the_api_schema_lists_every_code(client):
    schema = client.get("/api/schema/?format=json").json()

    listed = schema["components"]["schemas"]["Error"]["x-error-codes"]
    assert {code for codes in listed.values() for code in codes} == _catalogued()
    assert "wrong_state" in listed["common"]
    assert "advance_exists" in listed["missions"]
    assert "documents_missing" in listed["settlements"]
