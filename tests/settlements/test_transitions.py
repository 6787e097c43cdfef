"""The settlement state machine is written once (settlements.transitions, issue 16): every
status is reachable, and the services, the access helper and the traveler's next step read it."""

import datetime as dt
from collections import deque

import pytest
from django.db import transaction

from missions import hooks
from settlements import access, services
from settlements.models import Receipt, Settlement
from settlements.rules import NON_ELIGIBLE
from settlements.transitions import SETTLEMENT, traveler_step
from viaticos.errors import DomainError

S = Settlement.Status


def test_every_settlement_status_is_reachable_from_draft():
    seen, queue = {S.DRAFT.value}, deque([S.DRAFT.value])
    while queue:
        for row in SETTLEMENT.from_state(queue.popleft()):
            if row.target is not None and str(row.target) not in seen:
                seen.add(str(row.target))
                queue.append(str(row.target))
    assert seen == set(S.values)


def test_the_editable_statuses_of_the_model_are_the_table_rows():
    assert {s for s, a in SETTLEMENT.rows if a == "edit"} == set(Settlement.EDITABLE)


def test_the_mission_pages_show_the_settlements_next_step():
    assert hooks.settlement_step(S.SUBMITTED) == traveler_step(S.SUBMITTED) != ""
    assert traveler_step(S.RECEIVED) == traveler_step(S.REVIEWED) == traveler_step(S.SUBMITTED)
    assert traveler_step(S.DRAFT) == traveler_step(None) == traveler_step(S.CLOSED) == ""
    assert traveler_step(S.RETURNED) == SETTLEMENT.step(S.RETURNED, "submit")


class _Rollback(Exception):
    pass


def _refused(call) -> bool:
    """Whether `call` is refused for the status (wrong_state); nothing is kept either way."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return False
    except DomainError as error:
        return error.code == "wrong_state"
    except Exception:  # past the guard, on arguments this test does not bother to give
        return False


def test_services_and_access_refuse_exactly_what_the_table_refuses(
    submitted, accounting_assistant, accountant, finance_director
):
    settlement = submitted()
    traveler = settlement.mission.traveler
    receipt = settlement.receipts.get()
    Receipt.objects.filter(pk=receipt.pk).update(category=next(iter(NON_ELIGIBLE)).value)
    today = dt.date(2026, 3, 20)
    # (action, guard the user passes, user, call)
    calls = [
        (
            "edit",
            "traveler",
            traveler,
            lambda s: services.settlement_set_times(
                actor=traveler, settlement=s, actual_departure_at=None, actual_return_at=None
            ),
        ),
        (
            "submit",
            "traveler",
            traveler,
            lambda s: services.settlement_submit(actor=traveler, settlement=s),
        ),
        (
            "receive",
            "assistant",
            accounting_assistant,
            lambda s: services.settlement_receive(
                actor=accounting_assistant, settlement=s, today=today
            ),
        ),
        (
            "return",
            "assistant",
            accounting_assistant,
            lambda s: services.settlement_return(
                actor=accounting_assistant, settlement=s, reason="Falta"
            ),
        ),
        (
            "return",
            "accountant",
            accountant,
            lambda s: services.settlement_return(actor=accountant, settlement=s, reason="Falta"),
        ),
        (
            "stamp_again",
            "assistant",
            accounting_assistant,
            lambda s: services.settlement_stamp_again(
                actor=accounting_assistant, settlement=s, today=today
            ),
        ),
        (
            "review",
            "accountant",
            accountant,
            lambda s: services.receipts_accept_remaining(actor=accountant, settlement=s),
        ),
        (
            "finish_review",
            "accountant",
            accountant,
            lambda s: services.settlement_review_finish(actor=accountant, settlement=s),
        ),
        (
            "settle",
            "accountant",
            accountant,
            lambda s: services.settlement_settle(actor=accountant, settlement=s, today=today),
        ),
        (
            "record_balance",
            "accountant",
            accountant,
            lambda s: services.settlement_record_balance(actor=accountant, settlement=s, on=today),
        ),
        (
            "approve_exception",
            "exception_approver",
            finance_director,
            lambda s: services.receipt_exception_approve(
                actor=finance_director, receipt=Receipt.objects.get(pk=receipt.pk)
            ),
        ),
    ]
    # "close" is the ledger's (system): settlements.services._follow_ledger reads the table.
    assert {action for action, *_ in calls} == set(SETTLEMENT.actions) - {"close"}
    disagreements = []
    for stamping in (Settlement.Stamping.FAILED, Settlement.Stamping.DONE):
        for state in S.values:
            for action, guard, user, call in calls:
                Settlement.objects.filter(pk=settlement.pk).update(status=state, stamping=stamping)
                current = Settlement.objects.select_related("mission").get(pk=settlement.pk)
                row = SETTLEMENT.get(state, action)
                allowed = SETTLEMENT.allows(current, action) and guard in row.who
                # Stamping again is idempotent: once a new run started (or is done), a repeated
                # request is answered without starting another, not refused.
                repeated = action == "stamp_again" and row is not None and guard in row.who
                if _refused(lambda c=call, o=current: c(o)) == (allowed or repeated):
                    disagreements.append(("service", stamping, state, action, guard))
                if (action in access.settlement_actions(user, current)) != allowed:
                    disagreements.append(("access", stamping, state, action, guard))
    assert disagreements == [], disagreements


@pytest.mark.parametrize("state", [S.RECEIVED, S.SETTLED])
def test_stamping_again_needs_a_failed_run(state):
    settlement = Settlement(status=state, stamping=Settlement.Stamping.DONE)
    assert SETTLEMENT.get(state, "stamp_again") is not None
    assert not SETTLEMENT.allows(settlement, "stamp_again")
    settlement.stamping = Settlement.Stamping.FAILED
    assert SETTLEMENT.allows(settlement, "stamp_again")
