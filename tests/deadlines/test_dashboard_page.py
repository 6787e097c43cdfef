"""The accountant's deadlines dashboard as a page: its figures count every row, its short lists
show the latest, and the list behind a bar leaves the spend charts to the dashboard."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from deadlines import selectors as dashboard
from deadlines.models import DocumentationRequirement, Sanction
from tests.deadlines.test_enforcement_scale import overdue_missions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


def run(date: str) -> None:
    call_command("enforce_deadlines", "--date", date, stdout=StringIO())


@pytest.fixture
def late_organization(coordinator):
    overdue_missions(30, coordinator)
    run("2026-03-25")  # requirements, issued after the 3 business days allowed
    run("2026-04-15")  # the grace period is over: payroll deductions
    return {
        "sanctions": Sanction.objects.filter(state__in=Sanction.IN_COURSE).count(),
        "late_notices": DocumentationRequirement.objects.filter(issued_late=True).count(),
    }


def test_figures_count_every_sanction_and_late_notice_and_the_lists_show_the_latest(
    late_organization, client, accountant
):
    assert late_organization["sanctions"] > 12 and late_organization["late_notices"] > 12
    client.force_login(accountant)

    html = client.get(reverse("deadlines:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"<strong>{late_organization['sanctions']}</strong>" in html
    assert f"<strong>{late_organization['late_notices']}</strong>" in html
    assert f"The 12 latest of {late_organization['sanctions']}." in html
    assert f"The 12 latest of {late_organization['late_notices']}." in html
    latest = Sanction.objects.filter(state__in=Sanction.IN_COURSE)[:12]
    assert all(f">{s.code}</a>" in html for s in latest)
    assert len(re.findall(r'href="/sanciones/\d+/', html)) == 12  # and one to all of them


def test_the_list_behind_a_bar_leaves_the_spend_charts_to_the_dashboard(
    late_organization, client, accountant
):
    client.force_login(accountant)
    url = reverse("deadlines:dashboard")

    whole = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    bar = client.get(f"{url}?bucket=30%2B", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Spend by project per month" in whole and "Spend by destination per month" in whole
    assert "Spend by project per month" not in bar
    assert "More than 30 days late" in bar


def test_counts_answer_zero_for_an_empty_query(late_organization):
    got = dashboard.counts(
        sanctions=Sanction.objects.all(), none=Sanction.objects.filter(pk__in=[])
    )
    assert got == {"sanctions": Sanction.objects.count(), "none": 0}
