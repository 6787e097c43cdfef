"""Rule traceability for auditors (issue 8 item 7): which function enforces each rule of SPEC,
and which tests prove it.

`@enforces("R-3.9", ...)` goes on the function that enforces a rule (a function may enforce
several; a rule may be enforced in several places). It records the module and qualified name and
returns the function unchanged. The catalogue (summaries, SPEC sections) is
`viaticos.rule_catalogue`. This module imports no app: the apps import it, and
`load_enforcers()` imports the project's modules so that every decorator has run.

Tests are found by name (STYLE.md): `test_r_3_9_…` proves R-3.9, `test_r_a2_…` proves R-A2.
They are read from the repository's `tests/` folder when it exists (development, CI); a
production install without it shows "not available".
"""

from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from viaticos.rule_catalogue import CATALOGUE

F = TypeVar("F", bound=Callable[..., Any])

# The ID shapes of SPEC.md: R-2a, R-3.11a, R-7b, R-P1, R-A8, R-T4, R-S1.
RULE_ID = re.compile(r"R-(?:[0-9]+(?:\.[0-9]+)?[a-z]?|[PAST][0-9]+)")

# The project's own packages, whose modules carry @enforces.
PROJECT_PACKAGES = ("viaticos", "missions", "settlements", "deadlines", "privacy", "books")
# Entry points that do more than define things when imported.
SKIPPED = {"wsgi", "asgi", "settings", "manage"}


@dataclass(frozen=True)
class Rule:
    id: str
    section: str
    summary_es: str
    summary_en: str

    @property
    def test_token(self) -> str:
        """The rule as it appears in a test name: R-3.11a → "3_11a", R-A2 → "a2"."""
        return self.id[2:].lower().replace(".", "_")

    def summary(self, language: str) -> str:
        return self.summary_es if (language or "es").startswith("es") else self.summary_en


RULES: dict[str, Rule] = {rid: Rule(rid, section, es, en) for rid, section, es, en in CATALOGUE}

_enforcers: dict[str, list[str]] = {}


def enforces(*rule_ids: str) -> Callable[[F], F]:
    """Record that the decorated function (or class) enforces these rules."""

    def record(fn: F) -> F:
        where = f"{fn.__module__}.{fn.__qualname__}"
        for rule_id in rule_ids:
            places = _enforcers.setdefault(rule_id, [])
            if where not in places:
                places.append(where)
        fn.__rules__ = (*getattr(fn, "__rules__", ()), *rule_ids)  # type: ignore[attr-defined]
        return fn

    return record


@functools.cache
def load_enforcers() -> dict[str, list[str]]:
    """Import every module of the project packages (not migrations or tests) so that all
    decorators have run, then return rule ID → ["module.qualname", …]."""
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            leaf = info.name.rsplit(".", 1)[-1]
            if ".migrations" in info.name or ".tests" in info.name or leaf in SKIPPED:
                continue
            importlib.import_module(info.name)
    return {rule_id: sorted(places) for rule_id, places in _enforcers.items()}


def tests_root() -> Path | None:
    root = Path(__file__).resolve().parent.parent / "tests"
    return root if root.is_dir() else None


def _test_names(root: Path) -> list[str]:
    names = []
    for path in sorted(root.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test_"
            ):
                names.append(f"{module}::{node.name}")
    return names


def rule_of_test_pattern(rule: Rule) -> re.Pattern[str]:
    # "_r_3_1" must not match test_r_3_11…: the token ends at "_" or at the end of the name.
    return re.compile(rf"(?:^test_|_)r_{re.escape(rule.test_token)}(?:_|$)")


@functools.cache
def tests_by_rule() -> dict[str, list[str]] | None:
    """Rule ID → tests named after it ("tests/…/file.py::test_r_…"), or None without tests/."""
    root = tests_root()
    if root is None:
        return None
    names = _test_names(root)
    found: dict[str, list[str]] = {}
    for rule in RULES.values():
        pattern = rule_of_test_pattern(rule)
        found[rule.id] = [n for n in names if pattern.search(n.split("::", 1)[1])]
    return found


def spec_rule_ids(text: str) -> set[str]:
    return set(RULE_ID.findall(text))
