"""Deadlines driven by `enforce_deadlines --date` through a whole story (R-3.3, R-3.4, R-8b).

E1 returns on Thursday 2026-03-05; the settlement is due on Thursday 2026-03-12 (5 business
days from the next day); the requirement is issued on Friday 2026-03-13 (it may be issued until
2026-03-17); the grace period of 5 business days ends on 2026-03-20 and the deduction order is
created on Monday 2026-03-23.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from deadlines.models import (
    DeadlineReminder,
    DocumentationRequirement,
    PayrollDeductionOrder,
    Sanction,
)
from missions.models import Advance
from settlements import services
from tests.settlements.conftest import pdf_upload, receipt_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pdf_in_the_run(monkeypatch):
    """The daily run renders no PDF: the requirement is rendered when someone opens it."""

    def refuse(*args, **kwargs):
        raise AssertionError("enforce_deadlines rendered a PDF")

    monkeypatch.setattr("deadlines.notices.render_pdf", refuse)


def run(date: str, *extra: str) -> str:
    out = StringIO()
    call_command("enforce_deadlines", "--date", date, *extra, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        DeadlineReminder.objects.count(),
        DocumentationRequirement.objects.count(),
        Sanction.objects.count(),
        PayrollDeductionOrder.objects.count(),
        Sanction.objects.filter(state="lifted").count(),
    )


def settle(mission, traveler, accounting_assistant, accountant, today):
    settlement = services.settlement_start(actor=traveler, mission=mission)
    for kind in ("proof_of_travel", "mission_report"):
        services.settlement_attach_document(
            actor=traveler, settlement=settlement, kind=kind, upload=pdf_upload()
        )
    services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields())
    services.settlement_submit(actor=traveler, settlement=settlement)
    services.settlement_receive(actor=accounting_assistant, settlement=settlement, today=today)
    for receipt in settlement.receipts.all():
        services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    services.settlement_settle(actor=accountant, settlement=settlement, today=today)


def test_whole_story_return_reminder_due_requirement_deduction_settlement_lifted(
    returned_mission,
    traveler,
    accountant,
    accounting_assistant,
    django_capture_on_commit_callbacks,
):
    mission = returned_mission()
    advance = mission.advances.get()

    with django_capture_on_commit_callbacks(execute=True):
        run("2026-03-06")  # 4 business days left: nothing yet
    assert counts() == (0, 0, 0, 0, 0)

    # reminder two business days before the due date, then on the day; once each.
    with django_capture_on_commit_callbacks(execute=True):
        run("2026-03-10")
        run("2026-03-10")
        run("2026-03-11")
    assert list(DeadlineReminder.objects.values_list("kind", "due_date")) == [
        ("soon", dt.date(2026, 3, 12))
    ]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [traveler.email]
    assert "12/03/2026" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        run("2026-03-12")
    assert DeadlineReminder.objects.filter(kind="due_today").count() == 1

    # the requirement on the first business day after the due date, e-mailed (facts
    # and the link to its PDF) to the traveler with a copy to the General Accountant.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        out = run("2026-03-13")
    requirement = DocumentationRequirement.objects.get()
    assert requirement.advance == advance
    assert requirement.due_date == dt.date(2026, 3, 12)
    assert requirement.issued_on == dt.date(2026, 3, 13)
    assert requirement.issue_by == dt.date(2026, 3, 17)
    assert requirement.issued_late is False
    assert requirement.amount == advance.amount == D("450.00")
    assert requirement.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == [traveler.email] and message.cc == [accountant.email]
    assert message.attachments == []
    assert requirement.code in message.subject and mission.code in message.subject
    for fact in (
        requirement.code,
        advance.code,
        "12/03/2026",  # due
        "13/03/2026",  # issued
        "450.00 USD",
        reverse("deadlines:requirement-pdf", args=[requirement.pk]),
    ):
        assert fact in message.body
    assert "requirements 1 (0 late)" in out

    # R-8b: no deduction during the grace period; the order on the first business day after.
    with django_capture_on_commit_callbacks(execute=True):
        run("2026-03-20")
    assert PayrollDeductionOrder.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        run("2026-03-23")
    order = PayrollDeductionOrder.objects.get()
    assert (order.amount, order.issued_on, order.state) == (
        D("450.00"),
        dt.date(2026, 3, 23),
        PayrollDeductionOrder.State.PROPOSED,  # a person applies it (R-A1)
    )
    sanction = order.sanction
    assert (sanction.kind, sanction.rule, sanction.state) == (
        "payroll_deduction",
        "R-8b",
        "proposed",
    )
    assert order.mission_reference == f"{mission.code} / {advance.code}"

    # The traveler settles; the next run lifts the sanction and cancels the unexported order.
    settle(mission, traveler, accounting_assistant, accountant, dt.date(2026, 3, 24))
    order.refresh_from_db()
    assert order.state == PayrollDeductionOrder.State.PROPOSED  # never applied, never exported
    # 450 − (400 + 35): the traveler still owes 15.00, so the advance stays open (SPEC §4)
    advance.refresh_from_db()
    assert advance.status == Advance.Status.DISBURSED
    services.settlement_record_balance(
        actor=accountant, settlement=mission.settlement, on=dt.date(2026, 3, 24)
    )
    advance.refresh_from_db()
    assert advance.status == Advance.Status.SETTLED
    with django_capture_on_commit_callbacks(execute=True):
        out = run("2026-03-25")
    sanction.refresh_from_db()
    order.refresh_from_db()
    requirement.refresh_from_db()
    assert sanction.state == Sanction.State.LIFTED and sanction.lifted_on == dt.date(2026, 3, 25)
    assert order.state == PayrollDeductionOrder.State.CANCELLED
    assert requirement.resolved_on == dt.date(2026, 3, 25)
    assert "sanctions lifted 1" in out
    assert sanction.history.count() == 2  # proposed by the job, lifted by the job


def test_r_3_3_due_date_is_five_business_days_after_the_return(returned_mission):
    returned_mission()
    run("2026-03-11")  # due 2026-03-12: one business day left → reminder
    assert DeadlineReminder.objects.get().due_date == dt.date(2026, 3, 12)


def test_r_3_4_requirement_issued_after_three_business_days_is_flagged_late(returned_mission):
    """The job did not run for a week: the requirement is still drafted, and marked late."""
    returned_mission()
    run("2026-03-18")
    requirement = DocumentationRequirement.objects.get()
    assert requirement.issue_by == dt.date(2026, 3, 17)
    assert requirement.issued_late is True


def test_r_3_4_no_requirement_once_the_settlement_was_submitted(
    returned_mission, traveler, django_capture_on_commit_callbacks
):
    mission = returned_mission()
    settlement = services.settlement_start(actor=traveler, mission=mission)
    for kind in ("proof_of_travel", "mission_report"):
        services.settlement_attach_document(
            actor=traveler, settlement=settlement, kind=kind, upload=pdf_upload()
        )
    services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields())
    services.settlement_submit(actor=traveler, settlement=settlement)
    run("2026-03-30")
    assert counts() == (0, 0, 0, 0, 0)


def test_r_8b_grace_period_is_a_setting(returned_mission, settings):
    settings.VIATICOS_DEDUCTION_GRACE_BUSINESS_DAYS = 1
    returned_mission()
    run("2026-03-13")
    run("2026-03-16")  # grace ends on 03-16
    assert PayrollDeductionOrder.objects.count() == 0
    run("2026-03-17")
    assert PayrollDeductionOrder.objects.count() == 1


def test_second_run_on_the_same_date_writes_nothing(returned_mission, other_traveler):
    returned_mission()
    returned_mission(other_traveler)
    run("2026-03-13")
    run("2026-03-23")
    before = counts()
    assert before == (0, 2, 2, 2, 0)
    out = run("2026-03-23")
    assert counts() == before
    assert "requirements 0" in out and "deduction orders 0" in out


def test_dry_run_writes_nothing_and_says_what_it_would_do(returned_mission):
    mission = returned_mission()
    out = run("2026-03-13", "--dry-run")
    assert counts() == (0, 0, 0, 0, 0)
    assert "dry run" in out
    assert f"requirement (R-3.4): {mission.advances.get().code}" in out
    assert "Would do — examined 1 advances pending settlement" in out


def test_weekend_issues_nothing(returned_mission):
    returned_mission()
    out = run("2026-03-14")  # Saturday
    assert counts() == (0, 0, 0, 0, 0)
    assert "not a business day" in out


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "13/03/2026"])
def test_bad_date_is_a_clear_error(bad):
    with pytest.raises(CommandError, match="Invalid --date"):
        run(bad)


def test_without_a_duty_station_calendar_is_a_clear_error(settings, db):
    settings.VIATICOS_DUTY_COUNTRY = "XX"
    with pytest.raises(CommandError, match="No duty-station calendar"):
        run("2026-03-13")


def test_interrupted_run_is_completed_by_a_rerun(returned_mission, other_traveler, monkeypatch):
    """The run dies after the first batch committed: a re-run finishes without duplicates."""
    returned_mission()
    returned_mission(other_traveler)
    from deadlines import enforcement as deadlines

    real_write = deadlines._write
    calls = {"n": 0}

    def failing_write(batch):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        real_write(batch)

    monkeypatch.setattr(deadlines, "_write", failing_write)
    with pytest.raises(RuntimeError):
        run("2026-03-13", "--batch-size", "1")
    assert DocumentationRequirement.objects.count() == 1
    monkeypatch.setattr(deadlines, "_write", real_write)
    run("2026-03-13", "--batch-size", "1")
    assert DocumentationRequirement.objects.count() == 2
    run("2026-03-13", "--batch-size", "1")
    assert DocumentationRequirement.objects.count() == 2


def test_unsent_requirement_email_is_sent_by_the_next_run(
    returned_mission, django_capture_on_commit_callbacks
):
    returned_mission()
    run("2026-03-13")  # callbacks not executed: as if the process died after commit
    requirement = DocumentationRequirement.objects.get()
    assert requirement.emailed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        out = run("2026-03-16")
    requirement.refresh_from_db()
    assert requirement.emailed_at is not None
    assert len(mail.outbox) == 1
    assert "re-sent 1" in out


def test_requirement_pdf_is_rendered_on_demand_from_the_stored_requirement(
    returned_mission,
    client,
    traveler,
    accountant,
    monkeypatch,
    settings,
    django_capture_on_commit_callbacks,
):
    """R-3.4: the e-mail links to the PDF; opening it renders the requirement (its issued,
    due and late dates and amount are stored, so it is the same document every time)."""
    from pypdf import PdfReader

    from viaticos.pdf import render_pdf

    settings.VIATICOS_SITE_URL = "https://viaticos.example.org"
    mission = returned_mission()
    with django_capture_on_commit_callbacks(execute=True):
        run("2026-03-18")  # issued late: due by 17/03
    requirement = DocumentationRequirement.objects.get()
    assert requirement.issued_late is True
    (message,) = [m for m in mail.outbox if requirement.code in m.subject]
    link = reverse("deadlines:requirement-pdf", args=[requirement.pk])
    assert f"https://viaticos.example.org{link}" in message.body
    monkeypatch.setattr("deadlines.notices.render_pdf", render_pdf)
    pages = []
    for user in (traveler, accountant):
        client.force_login(user)
        response = client.get(link)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pages.append(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        )
    text = " ".join(pages[0].split())
    for fact in (requirement.code, mission.code, "450.00 USD", "12/03/2026", "18/03/2026"):
        assert fact in text
    assert "17/03/2026" in text  # the late flag names the date it was due by
    assert pages[0] == pages[1]
