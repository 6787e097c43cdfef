"""The dashboard's spend charts (issue 6 §5): advances disbursed per month, stacked by project
and by first destination, from one aggregate query that runs again only after a disbursement;
the smaller series beyond the sixth are shown as one "Others" series so that the chart stays
readable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone, translation

from missions import services as mission_services
from missions.models import Advance, Destination, Mission, MissionLeg
from settlements import dashboard
from tests.factories import ProjectFactory, UserFactory
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


def test_spend_by_project_and_by_first_destination_in_one_aggregate_query(
    django_assert_num_queries,
):
    gt = Destination.objects.create(code="GT", name="Guatemala", country="GT")
    hn = Destination.objects.create(code="HN", name="Honduras", country="HN")
    p1, p2 = ProjectFactory(code="P-1"), ProjectFactory(code="P-2")
    advance(p1, [gt, hn], D("100.00"), dt.date(2026, 5, 4))  # first destination: Guatemala
    advance(p1, [hn], D("50.00"), dt.date(2026, 5, 8))
    advance(p2, [gt], D("30.00"), dt.date(2026, 3, 2))
    advance(p2, [gt], D("999.00"), dt.date(2026, 5, 9), status=Advance.Status.REQUESTED)
    advance(p2, [gt], D("999.00"), dt.date(2025, 10, 1))  # before the six months

    with django_assert_num_queries(2):  # the latest disbursement, then the aggregate
        charts = dashboard.spend_charts(today=TODAY)

    def totals(chart):
        return {
            (col["month"], part["name"]): part["value"]
            for col in chart["columns"]
            for part in col["parts"]
        }

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


def test_the_aggregate_runs_again_after_a_disbursement_and_only_then(
    signed_advance, treasurer, django_assert_num_queries
):
    today = dt.date(2026, 3, 2)
    advance = signed_advance()
    with django_assert_num_queries(2):
        before = dashboard.spend_charts(today=today)
    assert before["by_project"]["empty"]
    with django_assert_num_queries(1):  # nothing disbursed since: the series are reused
        assert dashboard.spend_charts(today=today) == before

    mission_services.advance_disburse(
        actor=treasurer, advance=advance, disbursed_on=dt.date(2026, 2, 27), method="transfer"
    )
    with django_assert_num_queries(2):
        after = dashboard.spend_charts(today=today)
    february = after["by_project"]["columns"][-2]
    assert february["month"] == dt.date(2026, 2, 1)
    assert [(p["name"], p["value"]) for p in february["parts"]] == [
        (advance.mission.project.code, advance.amount)
    ]


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
