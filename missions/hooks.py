"""Checks other apps add to the advance workflow without missions importing them (STYLE.md:
missions never imports settlements). An app registers a callable in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

# fn(*, mission, action) raises DomainError to refuse; action is "request" or "disburse".
AdvanceCheck = Callable[..., None]

_advance_checks: list[AdvanceCheck] = []


def register_advance_check(check: AdvanceCheck) -> None:
    if check not in _advance_checks:
        _advance_checks.append(check)


def run_advance_checks(*, mission, action: str) -> None:
    for check in _advance_checks:
        check(mission=mission, action=action)
