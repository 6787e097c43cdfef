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


# SPEC §2.5: money events for the books. fn(kind, **objects) posts the journal entry of one
# event, in the caller's transaction; kinds: "advance_paid" (advance), "money_returned"
# (advance, or settlement + amount), "recognized" (settlement, summary), "reimbursement_paid"
# (settlement, amount), "deduction_recovered" (orders). Registered by the books app.
MoneyListener = Callable[..., None]

_money_listeners: list[MoneyListener] = []


def register_money_listener(listener: MoneyListener) -> None:
    if listener not in _money_listeners:
        _money_listeners.append(listener)


def money_event(kind: str, **objects) -> None:
    for listener in _money_listeners:
        listener(kind=kind, **objects)


# The next step of a mission's settlement, in words, for the traveler (issue 17: the mission's
# pages and "What I owe" never contradict each other). fn(settlement_status) -> str ("" when
# the settlement says nothing); registered by settlements from its transition table.
SettlementStep = Callable[[str | None], str]

_settlement_steps: list[SettlementStep] = []


def register_settlement_step(step: SettlementStep) -> None:
    if step not in _settlement_steps:
        _settlement_steps.append(step)


def settlement_step(status: str | None) -> str:
    for step in _settlement_steps:
        text = step(status)
        if text:
            return text
    return ""
