"""Journey B (SPEC §3): back from the trip, the traveler settles with receipts (a PDF invoice
and a photographed ticket), the Accounting Assistant receives and stamps "Liquidado" (R-3.7),
the General Accountant reviews line by line, settles (R-3.3) and records the balance returned;
the stamped bundle downloads as one PDF."""

import datetime as dt
import io
import re
from decimal import Decimal as D

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
    returned_mission_with_advance,
)
from tests.settlements import receipt_samples as samples
from viaticos.models import ExchangeRate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORG, ORG_TAX_ID = "Secretaría Ejecutiva Regional", "20512345678"


def attach(page, kind, name, content):
    page.select_option("#doc_kind", kind)
    page.set_input_files("#doc_file", file_payload(name, content))
    click_and_wait(page, page.get_by_role("button", name=es("Attach"), exact=True))
    expect_message(page, es("Document attached."))


def upload(page, name, content, mime):
    """Upload first: the file chosen is sent at once and comes back as a draft line."""
    with page.expect_navigation():
        page.set_input_files("#up_files", {"name": name, "mimeType": mime, "buffer": content})
    expect(page.locator("article.stl-draft")).to_have_count(1)
    return page.locator("article.stl-draft")


def fill(draft, field, value):
    draft.locator(f"[name$='-{field}']").fill(value)


def confirm(page, draft):
    click_and_wait(page, draft.get_by_role("button", name=es("Confirm the receipt")))
    expect_message(page, es("Receipt confirmed."))


def test_settlement_with_receipts_stamped_reviewed_and_settled(live_server, story, shot):
    base = live_server.url
    # The official rate of the boleta's date: 46.88 PEN is US$12.50.
    ExchangeRate.objects.create(
        currency="PEN", date=dt.date(2026, 3, 3), units_per_usd=D("3.75"), source="BCRP"
    )
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
    # A PDF invoice without a QR code: the draft says so and is pre-filled with the defaults.
    draft = upload(traveler, "factura-taxi.pdf", pdf_bytes("Factura F001-00042"), "application/pdf")
    expect(draft).to_contain_text(es("No QR code: manual entry"))
    expect(draft.locator("[name$='-customer_tax_id']")).to_have_value(ORG_TAX_ID)
    draft.locator("[name$='-receipt_type']").select_option("invoice")
    draft.locator("[name$='-category']").select_option("taxi")
    fill(draft, "issuer_name", "Taxis Seguros S.A.")
    fill(draft, "issuer_tax_id", "0614-010101-101-1")
    fill(draft, "number", "F001-00042")
    fill(draft, "date", "2026-03-03")
    fill(draft, "currency", "USD")
    fill(draft, "amount", "35.00")
    confirm(traveler, draft)

    # On a phone: the traveler photographs a Peruvian boleta; its SUNAT QR fills the line.
    phone = story.page("traveler", phone=True)
    phone.goto(traveler.url)
    camera = phone.locator("#up_photo")
    expect(camera).to_have_attribute("capture", "environment")
    ticket = samples.payload(kind="03", series="B001", number=7, igv="7.15", total="46.88")
    photo = samples.phone_photo(ticket, **samples.MODERATE)
    with phone.expect_navigation():
        camera.set_input_files({"name": "IMG_0412.jpg", "mimeType": "image/jpeg", "buffer": photo})
    draft = phone.locator("article.stl-draft")
    expect(draft).to_contain_text(es("Read from the SUNAT QR code"))
    expect(draft.locator("[name$='-number']")).to_have_value("B001-7")
    expect(draft.locator("[name$='-amount']")).to_have_value("46.88")
    expect(draft.locator("[name$='-currency']")).to_have_value("PEN")
    expect(draft.locator("[name$='-customer_name']")).to_have_value(ORG)
    expect(draft.locator(".stl-read")).to_have_count(7)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(phone, "02a-phone-receipt-read-from-qr")
    draft.locator("[name$='-category']").select_option("local_transport")
    fill(draft, "issuer_name", "Buses del Centro")
    confirm(phone, draft)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(phone, "02b-phone-receipt-confirmed")

    traveler.reload()
    expect(traveler.locator("article.stl-line")).to_have_count(2)
    expect(traveler.locator(".stl-total")).to_contain_text("47.50")  # 35.00 + 46.88 PEN
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
    received = es('Settlement received; its documents are being stamped "Liquidado".')
    expect_message(assistant, received)
    expect(assistant.locator("h1")).to_contain_text(label(Settlement.Status.RECEIVED))
    shot(assistant, "04-received-and-stamped")

    # The General Accountant reviews each line, finishes, settles, records the balance.
    accountant = story.page("accountant")
    accountant.goto(f"{base}/liquidaciones/bandeja/")
    click_and_wait(accountant, accountant.get_by_role("link", name=settlement_code))
    for number in ("F001-00042", "B001-7"):
        line = accountant.locator("article.stl-line", has_text=number)
        line.locator("select[name=decision]").select_option("accepted")
        line.get_by_role("button", name=es("Save the decision")).click()
        # Saved in place (htmx): the line comes back with its decision, the page stays put.
        saved = accountant.locator("article.stl-line", has_text=number)
        expect(saved.get_by_role("status")).to_have_text(es("Decision saved."))
    # The preview beside the lines shows the stamped document (framed by our own page): the
    # photo's stamped copy is a PDF holding the photo under the "Liquidado" band (issue 23).
    ticket = accountant.locator("article.stl-line", has_text="B001-7")
    show = ticket.get_by_role("link", name=re.compile(es("Show")))
    href = show.get_attribute("href")
    assert href.endswith("?stamped=1")
    show.click()
    accountant.frame(name="preview").wait_for_url(f"**{href}")
    expect(accountant.locator("iframe[name=preview]")).to_be_visible()
    stamped = accountant.context.request.get(base + href)
    assert stamped.ok and stamped.headers["content-type"] == "application/pdf"
    (page,) = PdfReader(io.BytesIO(stamped.body())).pages
    assert "Liquidado" in page.extract_text()
    assert [x.get_object()["/Filter"] for x in page["/Resources"]["/XObject"].values()] == [
        "/DCTDecode"
    ]
    shot(accountant, "05-lines-reviewed")
    click_and_wait(accountant, accountant.get_by_role("button", name=es("Finish the review")))
    expect_message(accountant, es("Review finished."))
    click_and_wait(
        accountant, accountant.get_by_role("button", name=es("Accept as correct and settle"))
    )
    expect_message(accountant, es("Settlement approved."))
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
