"""The dashboard's spend charts (issue 6 §5): advances disbursed per month, stacked by project
and by first destination, read from the monthly totals the disbursement service keeps (checked
and rebuilt from the advances by `manage.py spend_totals`); the smaller series beyond the sixth
are shown as one "Others" series so that the chart stays readable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from deadlines import selectors as dashboard
from missions import services as mission_services
from missions import spend
from missions.models import (
    Advance,
    Destination,
    DestinationSpend,
    Mission,
    MissionLeg,
    ProjectSpend,
)
from tests.factories import ProjectFactory, UserFactory
from viaticos.errors import DomainError
from viaticos.roles import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 12)


def advance(project, places, amount, disbursed_on, status=Advance.Status.DISBURSED):
    traveler = UserFactory(roles=[Role.TRAVELER])
    back = timezone.make_aware(dt.datetime.combine(disbursed_on, dt.time(18)))
    mission = Mission.objects.create(
        traveler=traveler,
        project=project,
        budget_line="2.1.3",
        purpose="Taller",
        expected_results="Plan",
        departure_at=back - dt.timedelta(days=3),
        return_at=back,
        status=Mission.Status.RETURNED,
        planned_total=amount,
    )
    for order, place in enumerate(places, start=MissionLeg.FIRST):
        MissionLeg.objects.create(
            mission=mission,
            order=order,
            destination=place,
            arrive_at=back - dt.timedelta(days=3 - order),
            leave_at=back - dt.timedelta(days=2 - order),
        )
    return Advance.objects.create(
        mission=mission,
        perdiem_amount=amount,
        terminal_estimate=D("0.00"),
        amount=amount,
        status=status,
        requested_by=traveler,
        disbursed_on=disbursed_on,
    )


def totals(chart):
    return {
        (col["month"], part["name"]): part["value"]
        for col in chart["columns"]
        for part in col["parts"]
    }


def test_spend_by_project_and_by_first_destination_from_the_monthly_totals(
    django_assert_num_queries,
):
    gt = Destination.objects.get(code="GT")
    hn = Destination.objects.get(code="HN")
    p1, p2 = ProjectFactory(code="P-1"), ProjectFactory(code="P-2")
    advance(p1, [gt, hn], D("100.00"), dt.date(2026, 5, 4))  # first destination: Guatemala
    advance(p1, [hn], D("50.00"), dt.date(2026, 5, 8), status=Advance.Status.SETTLED)
    advance(p2, [gt], D("30.00"), dt.date(2026, 3, 2), status=Advance.Status.RETURNED)
    advance(p2, [gt], D("999.00"), dt.date(2026, 5, 9), status=Advance.Status.REQUESTED)
    advance(p2, [gt], D("999.00"), dt.date(2025, 10, 1))  # before the six months
    assert spend.rebuild() == 3 + 4  # (month, project) and (month, destination) rows

    with django_assert_num_queries(1):  # the six months of both series (UNION ALL), no aggregate
        charts = dashboard.spend_charts(today=TODAY)

    may, march = dt.date(2026, 5, 1), dt.date(2026, 3, 1)
    assert totals(charts["by_project"]) == {
        (may, "P-1"): D("150.00"),
        (march, "P-2"): D("30.00"),
    }
    assert totals(charts["by_destination"]) == {
        (may, "Guatemala"): D("100.00"),
        (may, "Honduras"): D("50.00"),
        (march, "Guatemala"): D("30.00"),
    }
    assert [c["month"] for c in charts["by_project"]["columns"]][-1] == may
    # a project renamed shows under its new code at once (the totals keep the project)
    p1.code = "P-1b"
    p1.save()
    assert (may, "P-1b") in totals(dashboard.spend_charts(today=TODAY)["by_project"])


def test_destinations_of_the_same_name_add_up_under_it():
    one = Destination.objects.create(code="PE-LIM", name="Lima", country="PE")
    two = Destination.objects.create(code="PE-LIM2", name="Lima", country="PE")
    project = ProjectFactory(code="P-1")
    advance(project, [one], D("10.00"), dt.date(2026, 5, 4))
    advance(project, [two], D("5.00"), dt.date(2026, 5, 5))
    spend.rebuild()

    chart = dashboard.spend_charts(today=TODAY)["by_destination"]

    assert totals(chart) == {(dt.date(2026, 5, 1), "Lima"): D("15.00")}


def test_a_disbursement_adds_to_the_month_of_its_payment_date(
    signed_advance, treasurer, other_traveler
):
    today = dt.date(2026, 3, 2)
    assert dashboard.spend_charts(today=today)["by_project"]["empty"]
    first, second = signed_advance(), signed_advance(other_traveler)

    for adv, paid_on in ((first, dt.date(2026, 2, 27)), (second, dt.date(2026, 3, 1))):
        mission_services.advance_disburse(
            actor=treasurer, advance=adv, disbursed_on=paid_on, method="transfer", reference="OP-17"
        )

    charts = dashboard.spend_charts(today=today)
    code = first.mission.project.code
    assert totals(charts["by_project"]) == {
        (dt.date(2026, 2, 1), code): first.amount,
        (dt.date(2026, 3, 1), code): second.amount,
    }
    assert totals(charts["by_destination"]) == {
        (dt.date(2026, 2, 1), "San Salvador, El Salvador"): first.amount,
        (dt.date(2026, 3, 1), "San Salvador, El Salvador"): second.amount,
    }
    assert spend.differences() == []


def test_a_failed_disbursement_adds_nothing(signed_advance, treasurer):
    adv = signed_advance()
    with pytest.raises(DomainError):
        mission_services.advance_disburse(
            actor=treasurer,
            advance=adv,
            disbursed_on=dt.date(2026, 2, 27),
            method="barter",
            reference="OP-17",
        )
    assert not ProjectSpend.objects.exists() and not DestinationSpend.objects.exists()


def test_spend_totals_command_finds_a_difference_and_rebuild_mends_it(disbursed_advance):
    adv = disbursed_advance()
    call_command("spend_totals", stdout=StringIO())  # in step with the advances
    ProjectSpend.objects.update(amount=D("1.00"))  # e.g. advances loaded by hand

    out = StringIO()
    with pytest.raises(CommandError, match="1 monthly spend totals differ"):
        call_command("spend_totals", stdout=out)
    assert f"kept 1.00 USD, advances {adv.amount} USD" in out.getvalue()

    call_command("spend_totals", "--rebuild", stdout=StringIO())
    assert spend.differences() == []
    assert ProjectSpend.objects.get().amount == adv.amount


def test_a_chart_names_the_six_largest_series_and_adds_up_the_rest_as_others():
    months = [dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    data = {f"P-{i:02}": {months[0]: D(i), months[1]: D(1)} for i in range(1, 11)}

    with translation.override("en"):
        chart = dashboard.stacked_chart(months, data)

    names = [item["name"] for item in chart["legend"]]
    assert names == ["P-10", "P-09", "P-08", "P-07", "P-06", "P-05", "Others (4)"]
    april = chart["columns"][0]
    assert april["total"] == sum(D(i) for i in range(1, 11))
    assert april["parts"][-1]["value"] == D(1 + 2 + 3 + 4)
    assert len({item["color"] for item in chart["legend"]}) == 7


def test_seven_series_are_all_named():
    months = [dt.date(2026, 5, 1)]
    data = {f"P-{i}": {months[0]: D(i)} for i in range(1, 8)}
    names = [item["name"] for item in dashboard.stacked_chart(months, data)["legend"]]
    assert sorted(names) == sorted(data)


def test_spend_by_destination_is_apportioned_by_the_per_diem_lines_of_each_destination():
    """Issue 17 defect 10: a two-destination mission's spend is split by each destination's
    per-diem lines, not all charged to the first; the totals are unchanged."""
    gt = Destination.objects.get(code="GT")
    hn = Destination.objects.get(code="HN")
    paid = dt.date(2026, 5, 4)
    adv = advance(ProjectFactory(code="P-1"), [gt, hn], D("100.00"), paid)
    day = paid - dt.timedelta(days=3)  # the departure: Guatemala until Honduras's leg starts
    lines = [(0, "60.00"), (1, "40.00"), (2, "30.00"), (3, "20.00")]  # 100 in GT, 50 in HN
    adv.mission.planned_perdiem = {
        "lines": [
            {"date": (day + dt.timedelta(days=n)).isoformat(), "concept": "meals", "amount": a}
            for n, a in lines
        ]
    }
    adv.mission.save(update_fields=["planned_perdiem"])
    spend.rebuild()

    charts = dashboard.spend_charts(today=TODAY)
    may = dt.date(2026, 5, 1)
    assert totals(charts["by_destination"]) == {
        (may, "Guatemala"): D("66.67"),
        (may, "Honduras"): D("33.33"),
    }
    assert sum(totals(charts["by_destination"]).values()) == adv.amount
    assert totals(charts["by_project"]) == {(may, "P-1"): adv.amount}
    # What the disbursement service adds is the same split.
    DestinationSpend.objects.all().delete()
    ProjectSpend.objects.all().delete()
    spend.count_disbursement(adv)
    assert spend.differences() == []


def test_destination_split_adds_up_to_the_cent_and_falls_back_to_the_first_destination():
    start = dt.date(2026, 5, 1)
    legs = [(1, start), (2, start + dt.timedelta(days=1)), (3, start + dt.timedelta(days=2))]
    lines = [(start + dt.timedelta(days=n), D("10.00")) for n in range(3)]
    shares = spend.destination_split(D("100.00"), legs=legs, lines=lines)
    assert sorted(shares.values()) == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(shares.values()) == D("100.00")
    assert spend.destination_split(D("80.00"), legs=legs, lines=[]) == {1: D("80.00")}
    assert spend.destination_split(D("80.00"), legs=[], lines=lines) == {}
