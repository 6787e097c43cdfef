"""Twenty people (or one person's twenty clicks) taking the same decision at the same moment,
on real parallel PostgreSQL connections: exactly one effect, the rest a clear DomainError.

SQLite serializes every write, so these tests only mean something on PostgreSQL; they skip
visibly elsewhere and fail in CI without it (tests/conftest.py)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from missions import services as mission_services
from missions import spend
from missions.models import Advance, DestinationSpend, Mission, MissionEvent, ProjectSpend
from settlements import ledger, services
from settlements.models import Settlement, SettlementEvent
from tests.factories import UserFactory
from viaticos.roles import Role

N = 20
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_parallel_authorizations_of_a_mission_authorize_it_once(
    make_mission, coordinator, executive_secretary, race
):
    mission = make_mission()
    mission_services.mission_submit(actor=mission.traveler, mission=mission)
    # half the clicks are the coordinator's, half the Executive Secretary's
    actors = [coordinator, executive_secretary]

    outcomes = race(
        N, lambda i: mission_services.mission_authorize(actor=actors[i % 2], mission=mission)
    )

    assert outcomes["ok"] == 2, outcomes
    assert set(outcomes) <= {"ok", "already_decided", "wrong_state"}, outcomes
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AUTHORIZED
    assert mission.coordinator_authorized_by == coordinator
    assert mission.secretary_authorized_by == executive_secretary
    events = MissionEvent.objects.filter(mission=mission)
    assert events.filter(action="authorized_coordinator").count() == 1
    assert events.filter(action="authorized_secretary").count() == 1
    assert mission.history.filter(history_change_reason__startswith="authorized").count() == 2


def test_twenty_parallel_approvals_of_an_advance_approve_it_once(
    authorized_mission, coordinator, finance_director, race
):
    mission = authorized_mission()
    advance = mission_services.advance_request(
        actor=mission.traveler, mission=mission, terminal_estimate=Decimal("50.00")
    )
    actors = [coordinator, finance_director]

    outcomes = race(
        N, lambda i: mission_services.advance_approve(actor=actors[i % 2], advance=advance)
    )

    assert outcomes["ok"] == 2, outcomes
    assert set(outcomes) <= {"ok", "already_decided", "wrong_state"}, outcomes
    advance.refresh_from_db()
    assert advance.status == Advance.Status.APPROVED
    assert advance.events.filter(action="advance_approved_coordinator").count() == 1
    assert advance.events.filter(action="advance_approved_finance").count() == 1
    assert advance.history.filter(history_change_reason__startswith="advance_approved").count() == 2


def test_twenty_parallel_disbursements_of_an_advance_pay_it_once(signed_advance, treasurer, race):
    advance = signed_advance()

    outcomes = race(
        N,
        lambda i: mission_services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=dt.date(2026, 2, 27),
            method="transfer",
            reference=f"OP-{i}",
        ),
    )

    assert outcomes == {"ok": 1, "wrong_state": N - 1}, outcomes
    advance.refresh_from_db()
    assert advance.status == Advance.Status.DISBURSED
    assert advance.events.filter(action="advance_disbursed").count() == 1
    assert advance.history.filter(history_change_reason="disbursed").count() == 1


def test_parallel_disbursements_of_different_advances_all_count_in_the_monthly_totals(
    signed_advance, treasurer, race
):
    """Each payment adds to the same (month, project) and (month, destination) rows; none is
    lost to another's update, and none deadlocks (both rows are taken in the same order)."""
    advances = [signed_advance(UserFactory(roles=[Role.TRAVELER], profile=True)) for _i in range(N)]

    outcomes = race(
        N,
        lambda i: mission_services.advance_disburse(
            actor=treasurer,
            advance=advances[i],
            disbursed_on=dt.date(2026, 2, 27),
            method="transfer",
            reference=f"OP-{i}",
        ),
    )

    assert outcomes == {"ok": N}, outcomes
    total = sum(a.amount for a in advances)
    assert ProjectSpend.objects.get().amount == total
    assert DestinationSpend.objects.get().amount == total
    assert spend.differences() == []


def test_twenty_parallel_receptions_of_a_settlement_stamp_each_document_once(
    submitted, accounting_assistant, race
):
    settlement = submitted()
    documents = settlement.documents.count()

    outcomes = race(
        N,
        lambda i: services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 10)
        ),
    )

    assert outcomes == {"ok": 1, "wrong_state": N - 1}, outcomes
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.RECEIVED
    assert settlement.events.filter(action=SettlementEvent.Action.RECEIVED).count() == 1
    assert settlement.history.filter(history_change_reason="received and stamped").count() == 1
    assert documents == 3
    assert all(d.stamped_file for d in settlement.documents.all())
    stamped = [p for p in Path(settings.MEDIA_ROOT).rglob("*-liquidado.*") if p.is_file()]
    assert len(stamped) == documents  # one stamped copy per document, no orphan from a loser


def test_twenty_parallel_settlements_fix_the_balance_once(
    submitted, accounting_assistant, accountant, race
):
    settlement = submitted()
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 10)
    )
    for receipt in settlement.receipts.all():
        services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    advance = settlement.advance

    outcomes = race(
        N,
        lambda i: services.settlement_settle(
            actor=accountant, settlement=settlement, today=dt.date(2026, 3, 11)
        ),
    )

    assert outcomes == {"ok": 1, "wrong_state": N - 1}, outcomes
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.SETTLED
    assert settlement.events.filter(action=SettlementEvent.Action.SETTLED).count() == 1
    assert settlement.history.filter(history_change_reason="settled").count() == 1
    assert settlement.balance == settlement.advance_amount - (
        settlement.viaticos_recognized + settlement.terminal_accepted
    )
    assert settlement.balance == Decimal("15.00")  # 450.00 − (400.00 + 35.00)
    # SPEC §4, balances owed after settling: the traveler still returns 15.00, so the advance
    # stays open (it blocks new advances) until the return is recorded; settled once.
    advance.refresh_from_db()
    assert advance.status == Advance.Status.DISBURSED
    assert ledger.position_of(advance, today=dt.date(2026, 3, 11)).owed == Decimal("15.00")
    assert advance.events.filter(action="advance_settled").count() == 0


def test_parallel_advance_requests_while_one_is_unsettled_are_all_refused(
    disbursed_advance, authorized_mission, race
):
    """R-3.11a: the traveler owes a settlement; every new request, however timed, is refused."""
    disbursed_advance()
    missions = [authorized_mission(), authorized_mission()]

    outcomes = race(
        2,
        lambda i: mission_services.advance_request(
            actor=missions[i].traveler, mission=missions[i], terminal_estimate=Decimal("10.00")
        ),
    )

    assert outcomes == {"advance_pending_settlement": 2}, outcomes
    assert not Advance.objects.filter(mission__in=missions).exists()


def test_r_3_11a_two_advances_paid_at_once_only_one_is_disbursed(
    authorized_mission, coordinator, finance_director, treasurer, race
):
    """R-3.11a with no unsettled advance yet: two requests for two missions made at the same
    moment are both accepted, because a requested advance is not money given (the rule blocks
    on an advance *pending settlement*). The race that matters is paying them: Treasury's two
    parallel disbursements must pay one and refuse the other until the first is settled."""
    missions = [authorized_mission(), authorized_mission()]
    requested = race(
        2,
        lambda i: mission_services.advance_request(
            actor=missions[i].traveler, mission=missions[i], terminal_estimate=Decimal("10.00")
        ),
    )
    assert requested == {"ok": 2}, requested
    advances = list(Advance.objects.filter(mission__in=missions).order_by("pk"))
    for advance in advances:
        mission_services.advance_approve(actor=coordinator, advance=advance)
        mission_services.advance_approve(actor=finance_director, advance=advance)
        mission_services.advance_sign(actor=advance.mission.traveler, advance=advance)

    # ten clicks on each advance, all at once
    outcomes = race(
        N,
        lambda i: mission_services.advance_disburse(
            actor=treasurer,
            advance=advances[i % 2],
            disbursed_on=dt.date(2026, 2, 27),
            method="transfer",
            reference=f"OP-{i}",
        ),
    )

    assert outcomes["ok"] == 1, outcomes
    assert set(outcomes) <= {"ok", "wrong_state", "advance_pending_settlement"}, outcomes
    assert outcomes["advance_pending_settlement"] >= 1, outcomes
    statuses = sorted(
        Advance.objects.filter(pk__in=[a.pk for a in advances]).values_list("status", flat=True)
    )
    assert statuses == ["disbursed", "signed"]
    assert MissionEvent.objects.filter(action="advance_disbursed").count() == 1


def test_r_3_1s_twenty_parallel_approvals_by_two_people_holding_both_roles_give_two_distinct(
    make_mission, coordinator, executive_secretary, race
):
    """R-3.1s under load: the coordinator also holds the Executive Secretary role, so each of
    their clicks could take either slot; twenty clicks of the two give exactly two approvals,
    by two different people."""
    from django.contrib.auth.models import Group

    coordinator.groups.add(Group.objects.get(name=Role.EXECUTIVE_SECRETARY.value))
    mission = make_mission()
    mission_services.mission_submit(actor=mission.traveler, mission=mission)
    actors = [coordinator, executive_secretary]

    outcomes = race(
        N, lambda i: mission_services.mission_authorize(actor=actors[i % 2], mission=mission)
    )

    assert outcomes["ok"] == 2, outcomes
    assert set(outcomes) <= {"ok", "already_decided", "wrong_state", "not_allowed"}, outcomes
    mission.refresh_from_db()
    assert mission.status == Mission.Status.AUTHORIZED
    deciders = {mission.coordinator_authorized_by_id, mission.secretary_authorized_by_id}
    assert deciders == {coordinator.pk, executive_secretary.pk}
    decided = MissionEvent.objects.filter(
        mission=mission, action__in=["authorized_coordinator", "authorized_secretary"]
    )
    assert sorted(decided.values_list("actor_id", flat=True)) == sorted(deciders)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_disbursements_of_the_same_advance_pay_once(signed_advance, treasurer):
    import threading

    from django.db import connection, connections

    advance = signed_advance()
    barrier = threading.Barrier(2)
    outcomes = []

    def pay():
        try:
            barrier.wait()
            mission_services.advance_disburse(
                actor=treasurer,
                advance=advance,
                disbursed_on=dt.date(2026, 2, 27),
                method="transfer",
                reference=threading.current_thread().name,
            )
            outcomes.append("paid")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(getattr(exc, "code", repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, name=f"t{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert connection.vendor == "postgresql"
    assert sorted(outcomes) == ["paid", "wrong_state"]
    assert advance.events.filter(action="advance_disbursed").count() == 1
