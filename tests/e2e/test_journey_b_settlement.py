"""Journey B (SPEC §3): back from the trip, the traveler settles with receipts (a PDF invoice
and a photographed ticket), the Accounting Assistant receives and stamps "Liquidado" (R-3.7),
the General Accountant reviews line by line, settles (R-3.3) and records the balance returned;
the stamped bundle downloads as one PDF."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from settlements.models import Settlement
from tests.e2e.steps import (
    click_and_wait,
    es,
    expect_message,
    file_payload,
    label,
    mission_code,
    pdf_bytes,
    png_bytes,
    returned_mission_with_advance,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORG, ORG_TAX_ID = "Secretaría Ejecutiva Regional", "20512345678"


def attach(page, kind, name, content):
    page.select_option("#doc_kind", kind)
    page.set_input_files("#doc_file", file_payload(name, content))
    click_and_wait(page, page.get_by_role("button", name=es("Attach"), exact=True))
    expect_message(page, es("Document attached."))


def add_receipt(page, *, receipt_type, category, issuer, number, amount, name, content):
    page.select_option("#id_receipt_type", receipt_type)
    page.select_option("#id_category", category)
    page.fill("#id_issuer_name", issuer)
    page.fill("#id_issuer_tax_id", "0614-010101-101-1")
    page.fill("#id_number", number)
    page.fill("#id_customer_name", ORG)
    page.fill("#id_customer_tax_id", ORG_TAX_ID)
    page.fill("#id_date", "2026-03-03")
    page.fill("#id_currency", "USD")
    page.fill("#id_amount", amount)
    page.set_input_files("#id_file", file_payload(name, content))
    click_and_wait(page, page.get_by_role("button", name=es("Add the receipt")))
    expect_message(page, es("Receipt added."))


def test_settlement_with_receipts_stamped_reviewed_and_settled(live_server, story, shot):
    base = live_server.url
    pk = returned_mission_with_advance(story, base, purpose="Taller regional de riesgos")
    code = mission_code(pk)
    traveler = story.page("traveler")

    # Mis liquidaciones: the returned mission waits to be settled.
    traveler.goto(f"{base}/liquidaciones/")
    row = traveler.locator("tr", has_text=code)
    shot(traveler, "01-my-settlements")
    click_and_wait(traveler, row.get_by_role("button", name=es("Start the settlement")))
    expect(traveler.locator("h1")).to_contain_text(label(Settlement.Status.DRAFT))
    expect(traveler.locator("body")).to_contain_text("400.00")  # viáticos from the actual times

    attach(traveler, "proof_of_travel", "tarjeta-embarque.pdf", pdf_bytes("Tarjeta de embarque"))
    attach(traveler, "mission_report", "informe-mision.pdf", pdf_bytes("Informe de misión"))
    add_receipt(
        traveler,
        receipt_type="invoice",
        category="taxi",
        issuer="Taxis Seguros S.A.",
        number="F001-00042",
        amount="35.00",
        name="factura-taxi.pdf",
        content=pdf_bytes("Factura F001-00042"),
    )
    add_receipt(
        traveler,
        receipt_type="ticket",
        category="local_transport",
        issuer="Buses del Centro",
        number="B001-00007",
        amount="12.50",
        name="boleta-bus.png",
        content=png_bytes(),
    )
    receipts = traveler.locator("#receipts-title + table")
    expect(receipts.locator("tbody tr")).to_have_count(2)
    expect(receipts.locator("tfoot")).to_contain_text("47.50")
    shot(traveler, "02-settlement-with-receipts")

    click_and_wait(traveler, traveler.get_by_role("button", name=es("Submit to accounting")))
    expect_message(traveler, es("Settlement submitted to accounting."))
    expect(traveler.locator("h1")).to_contain_text(label(Settlement.Status.SUBMITTED))
    settlement_code = Settlement.objects.get(mission_id=pk).code

    # The Accounting Assistant receives it from the inbox: every document is stamped.
    assistant = story.page("accounting_assistant")
    assistant.goto(f"{base}/liquidaciones/bandeja/")
    shot(assistant, "03-assistant-inbox")
    click_and_wait(assistant, assistant.get_by_role("link", name=settlement_code))
    click_and_wait(
        assistant, assistant.get_by_role("button", name=es("Receive and stamp every document"))
    )
    expect_message(assistant, es('Settlement received; every document is stamped "Liquidado".'))
    expect(assistant.locator("h1")).to_contain_text(label(Settlement.Status.RECEIVED))
    shot(assistant, "04-received-and-stamped")

    # The General Accountant reviews each line, finishes, settles, records the balance.
    accountant = story.page("accountant")
    accountant.goto(f"{base}/liquidaciones/bandeja/")
    click_and_wait(accountant, accountant.get_by_role("link", name=settlement_code))
    for number in ("F001-00042", "B001-00007"):
        line = accountant.locator("article.stl-line", has_text=number)
        line.locator("select[name=decision]").select_option("accepted")
        click_and_wait(accountant, line.get_by_role("button", name=es("Save the decision")))
        expect_message(accountant, es("Line reviewed."))
    # The preview beside the lines shows the stamped document (framed by our own page).
    ticket = accountant.locator("article.stl-line", has_text="B001-00007")
    ticket.get_by_role("link", name=re.compile(es("Show"))).click()
    preview = accountant.frame_locator("iframe[name=preview]")
    expect(preview.locator("img")).to_be_visible()
    shot(accountant, "05-lines-reviewed")
    click_and_wait(accountant, accountant.get_by_role("button", name=es("Finish the review")))
    expect_message(accountant, es("Review finished."))
    click_and_wait(
        accountant, accountant.get_by_role("button", name=es("Accept as correct and settle"))
    )
    expect_message(accountant, es("Settlement settled."))
    expect(accountant.locator("h1")).to_contain_text(label(Settlement.Status.SETTLED))
    expect(accountant.locator("body")).to_contain_text("2.50")  # 450.00 − 400.00 − 47.50
    shot(accountant, "06-settled")
    accountant.fill("#id_reference", "DEP-0099")
    click_and_wait(
        accountant,
        accountant.get_by_role("button", name=es("Record the balance returned or paid and close")),
    )
    expect_message(accountant, es("Balance recorded; the settlement is closed."))
    expect(accountant.locator("h1")).to_contain_text(label(Settlement.Status.CLOSED))
    shot(accountant, "07-closed")

    # The stamped bundle: one PDF, every page carrying "Liquidado".
    link = accountant.get_by_role("link", name=es("Stamped documents (PDF)"))
    response = accountant.context.request.get(base + link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    assert "Liquidado" in text
    assert re.search(settlement_code, text)

    # The traveler sees the mission closed.
    traveler.goto(f"{base}/misiones/{pk}/")
    shot(traveler, "08-mission-closed")
