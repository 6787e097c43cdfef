"""An advance paid after its mission's settlement due date (an emergency advance, R-5, paid
after the return) is not overdue the day it is paid: its due date is the later of the
return-based one (R-3.3) and the same 5 business days counted from the payment date. The job,
the accountant's dashboard, "Mis plazos" and the deadlines API all take it from one function.

E1 returns on Thursday 2026-03-05 (due 2026-03-12). Paid on Friday 2026-03-20, the advance is
due on Friday 2026-03-27; the requirement may be issued from Monday 2026-03-30 (until
2026-04-01); 2 and 3 April 2026 are Holy Thursday and Good Friday in Peru, so the grace period
after it ends on 2026-04-08 and the deduction order comes on 2026-04-09."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from deadlines import enforcement as rules
from deadlines import selectors as dashboard
from deadlines.models import DeadlineReminder, DocumentationRequirement, PayrollDeductionOrder
from deadlines.rules import settlement_due_date
from missions import services as mission_services
from missions.models import Advance, Mission
from tests.factories import ProjectFactory, UserFactory
from viaticos.business_days import BusinessCalendar, add_business_days, duty_calendar
from viaticos.models import ClosureDay
from viaticos.roles import Role

pytestmark = pytest.mark.django_db

RETURN = dt.date(2026, 3, 5)


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


def run(date: str) -> None:
    call_command("enforce_deadlines", "--date", date, stdout=StringIO())


@pytest.fixture
def emergency_paid_late(
    make_mission, traveler, coordinator, executive_secretary, finance_director, treasurer
):
    """R-5: the traveler leaves without the advance; Treasury pays it after the return."""

    def make(disbursed_on: dt.date) -> Advance:
        mission = make_mission(kind=Mission.Kind.EMERGENCY)
        mission_services.mission_submit(actor=traveler, mission=mission)
        mission_services.mission_authorize(actor=executive_secretary, mission=mission)
        mission_services.mission_authorize(actor=coordinator, mission=mission)
        mission_services.mission_start(actor=traveler, mission=mission)
        advance = mission_services.advance_request(
            actor=traveler, mission=mission, terminal_estimate=D("0.00")
        )
        mission_services.advance_approve(actor=coordinator, advance=advance)
        mission_services.advance_approve(actor=finance_director, advance=advance)
        mission_services.advance_sign(actor=traveler, advance=advance)
        mission_services.mission_mark_returned(actor=traveler, mission=mission)
        mission_services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=disbursed_on,
            method="transfer",
            reference="OP-16",
        )
        advance.refresh_from_db()
        return advance

    return make


@pytest.mark.parametrize(
    ("disbursed_on", "due"),
    [
        (None, dt.date(2026, 3, 12)),
        (dt.date(2026, 2, 27), dt.date(2026, 3, 12)),  # paid before the trip: as such
        (RETURN, dt.date(2026, 3, 12)),  # paid on the return day
        (dt.date(2026, 3, 6), dt.date(2026, 3, 13)),  # paid the day after: one day later
        (dt.date(2026, 3, 20), dt.date(2026, 3, 27)),
        (dt.date(2026, 3, 27), dt.date(2026, 4, 7)),  # over Holy Thursday and Good Friday
    ],
)
def test_r_3_3_r_5_due_date_is_the_later_of_return_and_payment_based_ones(db, disbursed_on, due):
    calendar = duty_calendar()
    got = rules.advance_due_date(calendar, return_date=RETURN, disbursed_on=disbursed_on)

    assert got == due
    assert got == max(
        rules.settlement_due_date(calendar, RETURN),
        rules.settlement_due_date(calendar, disbursed_on or RETURN),
    )


def test_r_5_advance_paid_after_the_due_date_is_not_overdue_on_the_payment_day(
    emergency_paid_late,
):
    advance = emergency_paid_late(dt.date(2026, 3, 20))

    run("2026-03-20")
    assert not DocumentationRequirement.objects.exists()
    assert not DeadlineReminder.objects.exists()

    run("2026-03-25")  # two business days before the new due date
    run("2026-03-27")
    assert list(DeadlineReminder.objects.order_by("sent_on").values_list("kind", "due_date")) == [
        ("soon", dt.date(2026, 3, 27)),
        ("due_today", dt.date(2026, 3, 27)),
    ]
    assert not DocumentationRequirement.objects.exists()

    run("2026-03-30")
    requirement = DocumentationRequirement.objects.get(advance=advance)
    assert (requirement.return_date, requirement.due_date, requirement.issue_by) == (
        RETURN,
        dt.date(2026, 3, 27),
        dt.date(2026, 4, 1),
    )
    assert (requirement.issued_on, requirement.issued_late) == (dt.date(2026, 3, 30), False)

    run("2026-04-08")
    assert not PayrollDeductionOrder.objects.exists()
    run("2026-04-09")
    assert PayrollDeductionOrder.objects.get().issued_on == dt.date(2026, 4, 9)


def test_r_5_mis_plazos_and_the_api_give_the_due_date_the_job_uses(
    emergency_paid_late, traveler, client, api_client
):
    advance = emergency_paid_late(dt.date(2026, 3, 20))
    run("2026-03-30")
    requirement = DocumentationRequirement.objects.get()

    client.force_login(traveler)
    (row,) = client.get("/mis-plazos/").context["rows"]
    api_client.force_authenticate(traveler)
    (item,) = api_client.get("/api/v1/deadlines/mine/").json()["results"]
    (on_time,) = dashboard.deadline_rows(
        [advance], today=dt.date(2026, 3, 25), calendar=duty_calendar()
    )

    assert row.due_date == requirement.due_date == dt.date(2026, 3, 27)
    assert item["due_date"] == "2026-03-27" and item["return_date"] == "2026-03-05"
    assert (on_time.due_date, on_time.days_left, on_time.late) == (dt.date(2026, 3, 27), 2, False)


TODAY = dt.date(2026, 5, 12)


@pytest.fixture
def spread(coordinator):
    """Advances of missions back on each of the 80 days before TODAY, paid before the trip,
    on the return day, or some days after it (up to after TODAY's own due date)."""
    ClosureDay.objects.create(date=dt.date(2026, 4, 20), reason="Cierre")
    project = ProjectFactory(coordinator=coordinator)
    travelers = [UserFactory(username=f"p{i}", roles=[Role.TRAVELER]) for i in range(3)]
    missions, paid = [], []
    for offset in range(81):
        day = TODAY - dt.timedelta(days=offset)
        for lag in (-3, 0, 4, 11, 30):
            back = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 55)))
            missions.append(
                Mission(
                    traveler=travelers[offset % 3],
                    project=project,
                    budget_line="2.1.3",
                    purpose="Taller",
                    expected_results="Plan",
                    departure_at=back - dt.timedelta(days=2),
                    return_at=back,
                    status=Mission.Status.RETURNED,
                    planned_total=D("100.00"),
                )
            )
            paid.append(min(day + dt.timedelta(days=lag), TODAY))
    missions = Mission.objects.bulk_create(missions)
    Advance.objects.bulk_create(
        Advance(
            mission=mission,
            perdiem_amount=D("100.00"),
            terminal_estimate=D("0.00"),
            amount=D("100.00") + i,
            status=Advance.Status.DISBURSED,
            requested_by=mission.traveler,
            disbursed_on=disbursed_on,
        )
        for i, (mission, disbursed_on) in enumerate(zip(missions, paid, strict=True))
    )


def python_rows(today):
    """Every outstanding advance, its age from `advance_due_date` row by row."""
    calendar = duty_calendar()
    rows = []
    for advance in Advance.objects.select_related("mission").filter(
        status__in=Advance.PENDING_SETTLEMENT
    ):
        due = rules.advance_due_date(
            calendar,
            return_date=rules.local_date(advance.mission.return_at),
            disbursed_on=advance.disbursed_on,
        )
        left = rules.business_days_left(calendar, due, today)
        rows.append((rules.age_bucket(-left), advance.amount, due, advance))
    return rows


def test_r_5_dashboard_ages_count_from_the_same_due_date_as_the_job(
    spread, django_assert_max_num_queries
):
    rows = python_rows(TODAY)
    # the closure days, one pass grouping the plain advances, the others' ledger rows by id
    with django_assert_max_num_queries(3):
        ages = dashboard.outstanding_by_age(today=TODAY)

    # SPEC §4: the dashboard also has a column for money out on missions not back yet (none
    # here: every mission of the spread is back).
    expected = {key: [0, D("0.00")] for key in dashboard.BUCKETS}
    for bucket, amount, _due, _advance in rows:
        expected[bucket][0] += 1
        expected[bucket][1] += amount
    assert {key: [b.count, b.total] for key, b in ages.buckets.items()} == expected
    assert expected.pop("not_back") == [0, D("0.00")]
    assert all(count for count, _total in expected.values())


@pytest.mark.parametrize("bucket", ["", "due", "1-5", "16-30"])
def test_r_5_dashboard_lists_each_advance_once_in_its_bucket_by_return_time(spread, bucket):
    rows = python_rows(TODAY)
    ages = dashboard.outstanding_by_age(today=TODAY)
    shown, returns = [], []
    number = 1
    while True:
        page = dashboard.outstanding_page(ages, bucket=bucket, page=str(number))
        shown += [(d.bucket, d.due_date, d.advance.pk) for d in page]
        returns += [(d.advance.mission.return_at, d.advance.pk) for d in page]
        if not page.has_next():
            break
        number += 1

    chosen = [r for r in rows if r[0] == bucket or not bucket]
    # Read a page at a time through the index on return time: the most late first, but for
    # the advances paid after their return, whose deadline counts from the payment.
    assert returns == sorted(returns)
    assert sorted(shown) == sorted((b, due, a.pk) for b, _amount, due, a in chosen)


# --- on the duty-station calendar (Peru by default): 5 business days from the next day ---

DUE_URL = "/api/v1/calendar/settlement-due-date/"


@pytest.fixture
def pe():
    return BusinessCalendar("PE")


def test_r_3_3_due_date_counts_from_the_next_day(pe):
    # Returned Monday 2026-03-02: Tue..Mon → the fifth business day is Monday 03-09.
    assert settlement_due_date(pe, dt.date(2026, 3, 2)) == dt.date(2026, 3, 9)


def test_r_3_3_due_date_skips_holy_week(pe):
    # Maundy Thursday 04-02 and Good Friday 04-03 are Peruvian holidays.
    assert settlement_due_date(pe, dt.date(2026, 3, 31)) == dt.date(2026, 4, 9)


def test_r_3_3_due_date_skips_independence_days(pe):
    # 28 and 29 July 2026 (Tuesday, Wednesday) are holidays.
    assert settlement_due_date(pe, dt.date(2026, 7, 27)) == dt.date(2026, 8, 5)


def test_r_3_3_due_date_skips_december_8_and_9(pe):
    # 8 and 9 December 2026 (Tuesday, Wednesday) are holidays.
    assert settlement_due_date(pe, dt.date(2026, 12, 7)) == dt.date(2026, 12, 16)


def test_r_3_3_return_on_a_friday_before_a_weekend(pe):
    assert settlement_due_date(pe, dt.date(2026, 3, 6)) == dt.date(2026, 3, 13)


@pytest.mark.django_db
def test_r_3_3_closure_days_added_by_the_organization_are_skipped():
    assert settlement_due_date(duty_calendar(), dt.date(2026, 3, 2)) == dt.date(2026, 3, 9)
    ClosureDay.objects.create(date=dt.date(2026, 3, 4), reason="Inventario anual")
    assert settlement_due_date(duty_calendar(), dt.date(2026, 3, 2)) == dt.date(2026, 3, 10)
    assert add_business_days(dt.date(2026, 3, 3), 1) == dt.date(2026, 3, 5)


@pytest.mark.django_db
def test_r_3_3_settlement_due_date_endpoint(api_client, traveler):
    api_client.force_authenticate(traveler)
    response = api_client.get(DUE_URL, {"return_date": "2026-07-27"})
    assert response.status_code == 200
    assert response.json() == {"return_date": "2026-07-27", "due_date": "2026-08-05"}
