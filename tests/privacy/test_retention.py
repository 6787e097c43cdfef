"""R-T1…R-T4: retention policies, legal holds and the idempotent apply_retention job."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from privacy.models import BlockedRecord, RelationshipEnd, RetentionAction, RetentionPolicy
from privacy.registry import (
    Action,
    Candidate,
    Category,
    Hold,
    PersonalData,
    StartEvent,
    register,
    unregister,
)

D = dt.date


@pytest.mark.django_db
def test_r_t1_defaults_of_spec_5_3():
    policies = {p.category: p for p in RetentionPolicy.objects.all()}
    assert policies["settlements.accounting_support"].period_years == 6
    assert policies["settlements.accounting_support"].start_event == "year_after_settlement"
    assert policies["settlements.payroll_deductions"].period_years == 5
    assert policies["privacy.arco_requests"].period_years == 5
    assert policies["privacy.consent_evidence"].period_years == 5
    assert policies["privacy.access_log"].period_years == 2
    assert all(p.legal_basis for p in policies.values())


# A stand-in for the settlements declaration: receipts with amounts, dates, numbers and names.
LEDGER: dict = {}


@pytest.fixture
def ledger(traveler, other_traveler):
    LEDGER.clear()
    LEDGER.update(
        {
            1: {
                "subject": traveler.pk,
                "amount": Decimal("1250.40"),
                "date": D(2018, 5, 2),
                "number": "F001-0042",
                "name": "Lucía",
            },
            2: {
                "subject": other_traveler.pk,
                "amount": Decimal("300.00"),
                "date": D(2018, 6, 3),
                "number": "B002-0007",
                "name": "Rosa",
            },
            3: {
                "subject": traveler.pk,
                "amount": Decimal("99.00"),
                "date": D(2025, 6, 3),
                "number": "B002-0099",
                "name": "Lucía",
            },
        }
    )

    def candidates():
        for pk, row in LEDGER.items():
            yield Candidate(
                f"settlements.receipt:{pk}", row["subject"], D(row["date"].year + 1, 1, 1)
            )

    def apply(candidate, action):
        row = LEDGER[int(candidate.key.split(":")[1])]
        row["name"] = ""  # R-T4: the person goes, the books stay
        return "anonymized"

    held = {other_traveler.pk}
    register(
        PersonalData(
            app="settlements_test",
            categories=[
                Category(
                    code="settlements.accounting_support",
                    label="Receipts",
                    period_years=6,
                    start_event=StartEvent.YEAR_AFTER_SETTLEMENT,
                    legal_basis="CT",
                    action=Action.ANONYMIZE,
                    candidates=candidates,
                    apply=apply,
                )
            ],
            holds=lambda user: [Hold(reason="Liquidación abierta", data_kept="Liquidaciones")]
            if user.pk in held
            else [],
        )
    )
    yield LEDGER
    unregister("settlements_test")


def test_r_t3_dry_run_writes_nothing(db, ledger):
    out = StringIO()
    call_command("apply_retention", "--date", "2026-01-02", "--dry-run", stdout=out)
    assert "[dry run]" in out.getvalue() and "settlements.receipt:1" in out.getvalue()
    assert not RetentionAction.objects.exists() and not BlockedRecord.objects.exists()
    assert ledger[1]["name"] == "Lucía"


def test_r_t3_twice_on_the_same_date_writes_nothing_the_second_time(db, ledger):
    call_command("apply_retention", "--date", "2026-01-02", stdout=StringIO())
    first = RetentionAction.objects.count()
    assert first == 2
    out = StringIO()
    call_command("apply_retention", "--date", "2026-01-02", stdout=out)
    assert RetentionAction.objects.count() == first
    assert "0 action(s)" in out.getvalue()


def test_r_t4_anonymization_keeps_amounts_dates_and_document_numbers(db, ledger):
    call_command("apply_retention", "--date", "2026-01-02", stdout=StringIO())
    row = ledger[1]
    assert row["name"] == "" and row["amount"] == Decimal("1250.40")
    assert row["date"] == D(2018, 5, 2) and row["number"] == "F001-0042"
    assert ledger[3]["name"] == "Lucía"  # not expired yet


def test_r_t2_legal_hold_blocks_instead_of_deleting(db, ledger, other_traveler):
    call_command("apply_retention", "--date", "2026-01-02", stdout=StringIO())
    assert ledger[2]["name"] == "Rosa"  # held: kept
    action = RetentionAction.objects.get(record_key="settlements.receipt:2")
    assert action.action == Action.BLOCK and action.held
    assert BlockedRecord.objects.filter(key="settlements.receipt:2").exists()


def test_r_t1_traveler_identity_anonymized_after_end_of_relationship(db, traveler):
    RelationshipEnd.objects.create(user=traveler, ended_on=D(2019, 3, 1))
    call_command("apply_retention", "--date", "2025-03-01", stdout=StringIO())
    traveler.refresh_from_db()
    assert traveler.first_name == "" and traveler.traveler_profile.document_number == "—"
    assert RetentionAction.objects.filter(
        record_key=f"auth.user:{traveler.pk}", action="anonymize"
    ).exists()


def test_r_t1_access_log_deleted_after_two_years(db, privacy_officer):
    from privacy.services import access_log_record

    entry = access_log_record(actor=privacy_officer, what="x", subject_label="y")
    entry.at = entry.at.replace(year=2023)
    entry.save(update_fields=["at"])
    call_command(
        "apply_retention", "--date", f"{dt.date.today().year + 1}-12-31", stdout=StringIO()
    )
    from privacy.models import AccessLogEntry

    assert not AccessLogEntry.objects.exists()
