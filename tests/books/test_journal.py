"""SPEC §2.5: every money event is a balanced journal entry linked to its document; the
journal agrees with the ledger of settlements; entries are never edited (reversal only);
accounting, the Finance Director and the Auditor read it, export it and query it."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from books import selectors
from books import services as book_services
from books.models import Account, AccountMapping, ImmutableEntry, JournalEntry, JournalLine, Purpose
from deadlines import payroll
from deadlines.models import PayrollDeductionOrder
from missions import services as mission_services
from missions.models import Advance
from settlements import ledger, services
from settlements.models import Settlement
from tests.factories import UserFactory
from tests.settlements.conftest import pdf_upload, receipt_fields
from viaticos.errors import DomainError
from viaticos.roles import Role

MARCH = "2026-03"


def settle(mission, *, assistant, accountant, today, receipts=((D("35.00"), "taxi"),)):
    traveler = mission.traveler
    settlement = services.settlement_start(actor=traveler, mission=mission)
    for kind in ("proof_of_travel", "mission_report"):
        services.settlement_attach_document(
            actor=traveler, settlement=settlement, kind=kind, upload=pdf_upload()
        )
    for amount, category in receipts:
        services.receipt_add(
            actor=traveler,
            settlement=settlement,
            **receipt_fields(amount=amount, category=category),
        )
    services.settlement_submit(actor=traveler, settlement=settlement)
    services.settlement_receive(actor=assistant, settlement=settlement, today=today)
    for receipt in settlement.receipts.all():
        services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    services.settlement_review_finish(actor=accountant, settlement=settlement)
    services.settlement_settle(actor=accountant, settlement=settlement, today=today)
    settlement.refresh_from_db()
    return settlement


def assert_all_entries_balance():
    for entry in JournalEntry.objects.all():
        totals = entry.lines.aggregate(d=Sum("debit"), c=Sum("credit"))
        assert totals["d"] == totals["c"] and totals["d"] > 0, entry


def journal_owed(traveler) -> D:
    return selectors.staff_balances().get(traveler.pk, D("0.00"))


@pytest.fixture
def settled_flow(returned_mission, budget_line, accounting_assistant, accountant):
    """E1 (400.00 per diem) on line 2.1.3, advance 450.00 paid on 2026-02-27, a taxi of 35.00
    accepted: the traveler returns 15.00."""
    mission = returned_mission()
    today = dt.date(2026, 3, 10)
    settlement = settle(mission, assistant=accounting_assistant, accountant=accountant, today=today)
    return mission, settlement, today


def test_advance_paid_settled_and_returned_post_balanced_entries_by_project_and_line(
    settled_flow, accountant, budget_line
):
    mission, settlement, today = settled_flow
    advance = mission.advances.get()
    paid = JournalEntry.objects.get(kind=JournalEntry.Kind.ADVANCE_PAID)
    assert paid.advance == advance and paid.date == advance.disbursed_on
    assert {(ln.account.code, ln.debit, ln.credit) for ln in paid.lines.all()} == {
        ("1413", D("450.00"), D("0.00")),
        ("1041", D("0.00"), D("450.00")),
    }
    recognized = JournalEntry.objects.get(kind=JournalEntry.Kind.RECOGNIZED)
    assert recognized.settlement == settlement
    lines = {(ln.account.code, ln.category, ln.debit, ln.credit) for ln in recognized.lines.all()}
    assert lines == {
        ("6315", "viaticos", D("400.00"), D("0.00")),
        ("6311", "taxi", D("35.00"), D("0.00")),
        ("1413", "", D("0.00"), D("435.00")),
    }
    assert all(
        ln.project_id == mission.project_id and ln.budget_line == budget_line
        for ln in JournalLine.objects.all()
    )
    # the ledger and the journal say the same: 15.00 to return
    assert journal_owed(mission.traveler) == ledger.position_of(advance, today=today).owed
    assert journal_owed(mission.traveler) == D("15.00")
    services.settlement_record_balance(
        actor=accountant, settlement=settlement, on=today, reference="DEP-1"
    )
    returned = JournalEntry.objects.get(kind=JournalEntry.Kind.MONEY_RETURNED)
    assert returned.settlement == settlement
    assert journal_owed(mission.traveler) == D("0.00")
    assert_all_entries_balance()
    # and the budget line now shows the spend
    mission.refresh_from_db()
    assert mission.budget_spent == D("435.00") and mission.budget_committed == D("0.00")


def test_mapping_by_category_and_project_decides_the_account(
    returned_mission, budget_line, accounting_assistant, accountant
):
    travel = Account.objects.create(code="6399", name="Viajes PREVDA", kind="expense")
    AccountMapping.objects.create(
        purpose=Purpose.EXPENSE, category="taxi", project=budget_line.project, account=travel
    )
    mission = returned_mission()
    settle(
        mission,
        assistant=accounting_assistant,
        accountant=accountant,
        today=dt.date(2026, 3, 10),
    )
    line = JournalLine.objects.get(category="taxi")
    assert line.account == travel


def test_r_4_return_of_a_stopped_mission_posts_the_money_back(
    disbursed_advance, coordinator, treasurer
):
    advance = disbursed_advance()
    mission_services.mission_suspend(actor=coordinator, mission=advance.mission, reason="Lluvias")
    advance.refresh_from_db()
    mission_services.advance_record_return(
        actor=treasurer, advance=advance, returned_on=dt.date(2026, 3, 4), reference="DEP-9"
    )
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.MONEY_RETURNED)
    assert entry.advance == advance and entry.date == dt.date(2026, 3, 4)
    assert journal_owed(advance.mission.traveler) == D("0.00")
    assert ledger.position_of(advance, today=dt.date(2026, 3, 5)).owed == D("0.00")


def test_entries_are_never_edited_and_a_reversal_brings_them_back(settled_flow, accountant):
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.RECOGNIZED)
    entry.description = "cambiado"
    with pytest.raises(ImmutableEntry):
        entry.save()
    with pytest.raises(ImmutableEntry):
        entry.lines.first().delete()
    reversal = book_services.entry_reverse(
        actor=accountant, entry=entry, reason="Tasa mal aplicada", on=dt.date(2026, 3, 11)
    )
    assert reversal.reverses == entry
    both = JournalLine.objects.filter(entry__in=[entry, reversal])
    for code in {ln.account.code for ln in both}:
        sums = both.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
        assert sums["d"] == sums["c"]
    with pytest.raises(DomainError):
        book_services.entry_reverse(
            actor=accountant, entry=entry, reason="otra vez", on=dt.date(2026, 3, 11)
        )


# --- Pages, exports and the API, by role ------------------------------------------------------


@pytest.mark.parametrize(
    "who,status",
    [
        ("accountant", 200),
        ("accounting_assistant", 200),
        ("finance_director", 200),
        ("auditor", 200),
        ("traveler", 403),
        ("coordinator", 403),
        ("treasurer", 403),
    ],
)
def test_journal_pages_are_read_by_accounting_finance_and_audit(
    client, request, settled_flow, who, status
):
    client.force_login(request.getfixturevalue(who))
    for url in (
        f"/contabilidad/diario/?period={MARCH}",
        f"/contabilidad/balance/?period={MARCH}",
        f"/contabilidad/diario.csv?period={MARCH}",
        f"/contabilidad/balance.xlsx?period={MARCH}",
    ):
        assert client.get(url).status_code == status, url


def test_the_journal_page_links_every_entry_to_its_document(
    client, settled_flow, accountant, django_assert_max_num_queries
):
    mission, settlement, _today = settled_flow
    client.force_login(accountant)
    with django_assert_max_num_queries(12):
        page = client.get(f"/contabilidad/diario/?period={MARCH}").content.decode()
    assert f'href="/liquidaciones/{settlement.pk}/">{settlement.code}' in page
    with django_assert_max_num_queries(12):
        feb = client.get("/contabilidad/diario/?period=2026-02").content.decode()
    assert mission.advances.get().code in feb and mission.get_absolute_url() in feb


def test_only_the_general_accountant_reverses_and_the_auditor_only_reads(
    client, settled_flow, auditor, finance_director, accountant
):
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.RECOGNIZED)
    url = f"/contabilidad/asientos/{entry.pk}/revertir/"
    for reader in (auditor, finance_director):
        client.force_login(reader)
        assert client.post(url, {"reason": "x"}).status_code == 403
        assert (
            "Revertir" not in client.get(f"/contabilidad/diario/?period={MARCH}").content.decode()
        )
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REVERSAL).exists()
    client.force_login(accountant)
    assert client.post(url, {"reason": "Recibo duplicado"}).status_code == 302
    assert JournalEntry.objects.get(kind=JournalEntry.Kind.REVERSAL).reason == "Recibo duplicado"
    # nobody edits an entry in the admin either
    client.force_login(auditor)
    change = client.post(f"/admin/books/journalentry/{entry.pk}/change/", {"description": "x"})
    assert change.status_code in (302, 403)
    entry.refresh_from_db()
    assert entry.description != "x"


def test_csv_export_has_a_bom_semicolons_and_balances(client, settled_flow, accountant):
    client.force_login(accountant)
    response = client.get(f"/contabilidad/diario.csv?period={MARCH}")
    assert response["Content-Disposition"].endswith('libro-diario-2026-03.csv"')
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["asiento", "fecha", "tipo"]
    debit, credit = header.index("debe"), header.index("haber")
    # March holds the settlement (the advance was paid on 2026-02-27)
    assert sum(D(r[debit]) for r in body) == sum(D(r[credit]) for r in body) == D("435.00")
    assert {r[header.index("documento")] for r in body} == {Settlement.objects.get().code}


def test_xlsx_export_has_the_same_columns_with_numbers(client, settled_flow, accountant):
    client.force_login(accountant)
    response = client.get(f"/contabilidad/diario.xlsx?period={MARCH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][7:9] == ("debe", "haber")
    assert sum(r[7] for r in rows[1:]) == sum(r[8] for r in rows[1:]) == 435


def test_journal_api_for_a_period(api_client, settled_flow, auditor, traveler):
    mission, settlement, _today = settled_flow
    api_client.force_authenticate(auditor)
    response = api_client.get(f"/api/v1/journal/?period={MARCH}")
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == MARCH and data["debit"] == data["credit"] == "435.00"
    recognized = next(e for e in data["entries"] if e["kind"] == "recognized")
    assert recognized["document"] == {
        "code": settlement.code,
        "url": f"/liquidaciones/{settlement.pk}/",
    }
    assert {"account", "debit", "credit", "project", "budget_line", "category"} <= set(
        recognized["lines"][0]
    )
    trial = api_client.get(f"/api/v1/journal/trial-balance/?period={MARCH}").json()
    assert sum(D(r["debit"]) for r in trial["rows"]) == D("435.00")
    assert api_client.get("/api/v1/journal/?period=2026-13").status_code == 400
    assert api_client.post("/api/v1/journal/", {}).status_code == 405
    api_client.force_authenticate(traveler)
    assert api_client.get(f"/api/v1/journal/?period={MARCH}").status_code == 403


# --- Property: whatever happens, the journal agrees with the ledger --------------------------

OPS = st.lists(
    st.sampled_from(["sweep_late", "export", "settle", "record", "sweep_after"]), max_size=6
)


@pytest.mark.django_db
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS, spent=st.sampled_from([D("0.00"), D("35.00"), D("120.00")]))
def test_journal_staff_advances_per_traveler_equal_what_the_ledger_says_is_owed(
    ops, spent, returned_mission, accounting_assistant, accountant
):
    traveler = UserFactory(roles=[Role.TRAVELER], profile=True)
    mission = returned_mission(traveler)
    advance = mission.advances.get()
    today = timezone.localdate()
    receipts = [(spent, "taxi")] if spent else []

    def check():
        assert_all_entries_balance()
        assert journal_owed(traveler) == ledger.position_of(advance, today=today).owed

    for op in ops:
        settlement = Settlement.objects.filter(mission=mission).first()
        if op in ("sweep_late", "sweep_after"):
            day = dt.date(2026, 3, 23) if op == "sweep_late" else today + dt.timedelta(days=40)
            call_command("enforce_deadlines", "--date", day.isoformat(), stdout=StringIO())
        elif op == "export":
            order = PayrollDeductionOrder.objects.filter(advance=advance).first()
            if order:
                start, end = payroll.month_period(order.issued_on.strftime("%Y-%m"))
                with contextlib.suppress(DomainError):
                    payroll.payroll_export(
                        actor=accountant, period_start=start, period_end=end, file_format="csv"
                    )
        elif op == "settle" and settlement is None:
            settle(
                mission,
                assistant=accounting_assistant,
                accountant=accountant,
                today=today,
                receipts=receipts,
            )
        elif op == "record" and settlement and settlement.status == Settlement.Status.SETTLED:
            services.settlement_record_balance(actor=accountant, settlement=settlement, on=today)
        check()
    advance.refresh_from_db()
    settlement = Settlement.objects.filter(mission=mission).first()
    # Settled, and the balance the organization owed (if any) paid: nothing left either way.
    if advance.status == Advance.Status.SETTLED and settlement and settlement.balance_settled_on:
        assert journal_owed(traveler) == 0
