"""SPEC §5.4 (issue 25): the identity document number copied onto a payroll deduction order is
encrypted at rest, reaches payroll in full, and is masked in the admin (reveal logged)."""

from __future__ import annotations

import datetime as dt
import importlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from deadlines.models import PayrollDeductionOrder
from privacy.models import AccessLogEntry
from tests.deadlines.proposals import apply_proposals
from tests.settlements.test_ledger_scenarios import export
from viaticos import crypto

pytestmark = pytest.mark.django_db
TABLE = "settlements_payrolldeductionorder"


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


def _raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT document_number FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def order(returned_mission, accountant):
    mission = returned_mission()
    for day in (dt.date(2026, 3, 13), dt.date(2026, 3, 23)):
        call_command("enforce_deadlines", "--date", day.isoformat(), stdout=StringIO())
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))
    order = PayrollDeductionOrder.objects.get(advance__mission=mission)
    number = mission.traveler.traveler_profile.document_number
    assert number and order.document_number == number
    return order


def test_the_order_stores_the_document_number_encrypted_and_payroll_gets_it_in_full(
    order, client, accountant
):
    number = order.document_number
    stored = _raw(order.pk)
    assert crypto.is_token(stored) and number not in stored
    response = export(client, accountant, "2026-03")
    assert response.status_code == 200
    assert (
        number
        in b"".join(
            response.streaming_content if response.streaming else [response.content]
        ).decode()
    )


def test_the_admin_masks_the_order_document_number_and_logs_a_reveal(order, client, auditor):
    number = order.document_number
    auditor.is_staff = True
    auditor.save(update_fields=["is_staff"])
    client.force_login(auditor)
    url = f"/admin/deadlines/payrolldeductionorder/{order.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert number not in page.content.decode() and f"···{number[-3:]}" in page.content.decode()
    revealed = client.get(url + "?reveal=1")
    assert number in revealed.content.decode()
    whats = list(AccessLogEntry.objects.filter(actor=auditor).values_list("what", flat=True))
    assert len(whats) == 3  # the two readings of the page and the reveal
    assert sum("revel" in w.lower() or "revea" in w.lower() for w in whats) == 1


def test_the_data_migration_encrypts_plain_order_numbers_and_reverses(order):
    with connection.cursor() as cursor:  # as stored before the encryption
        cursor.execute(f"UPDATE {TABLE} SET document_number = '40999888' WHERE id = %s", [order.pk])  # noqa: S608
    migration = importlib.import_module("deadlines.migrations.0004_encrypt_document_numbers")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.encrypt(None, editor)
    assert crypto.is_token(_raw(order.pk))
    order.refresh_from_db()
    assert order.document_number == "40999888"
    migration.decrypt(None, editor)
    assert _raw(order.pk) == "40999888"
