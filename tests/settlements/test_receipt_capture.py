"""Receipt capture (issue 19, SPEC §3 "Reading receipts"): upload first, each file a draft line
at once, pre-filled from its SUNAT QR (or defaults), confirmed or corrected by the traveler;
every line editable in place; nothing typed is lost when the server refuses a form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from settlements import services
from settlements.models import Document, Receipt, Settlement
from tests.factories import PASSWORD
from tests.settlements import receipt_samples as samples
from tests.settlements.conftest import pdf_upload, png_upload, receipt_fields
from viaticos.models import ExchangeRate

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, draft):
    """The traveler signed in on the detail page of their draft settlement."""
    settlement = draft()
    assert client.login(username=settlement.mission.traveler.username, password=PASSWORD)
    return client, settlement


@pytest.fixture
def pen_rate():
    ExchangeRate.objects.create(
        currency="PEN", date=dt.date(2026, 3, 3), units_per_usd=D("3.75"), source="BCRP"
    )


def _photo(p=None, salt=0):
    p = p or samples.PAYLOADS[0]
    content = samples.phone_photo(p, salt=salt, **samples.MODERATE)
    return SimpleUploadedFile("IMG_2031.jpg", content, content_type="image/jpeg")


def _upload(client, settlement, **files):
    return client.post(reverse("settlements:action", args=[settlement.pk, "upload"]), files)


def _detail(client, settlement, **query):
    return client.get(reverse("settlements:detail", args=[settlement.pk]), query)


def _change_url(receipt):
    return reverse("settlements:receipt_action", args=[receipt.pk, "change"])


def _form_data(receipt, **values):
    """What the page's form of the line posts, with `values` typed over it."""
    data = {
        "receipt_type": receipt.receipt_type,
        "category": receipt.category,
        "issuer_name": receipt.issuer_name,
        "issuer_tax_id": receipt.issuer_tax_id,
        "number": receipt.number,
        "customer_name": receipt.customer_name,
        "customer_tax_id": receipt.customer_tax_id,
        "date": receipt.date.isoformat(),
        "currency": receipt.currency,
        "amount": str(receipt.amount),
        "description": receipt.description,
        "outside_dates_reason": receipt.outside_dates_reason,
        "exception_reason": receipt.exception_reason,
    }
    data.update(values)
    return {f"r{receipt.pk}-{key}": value for key, value in data.items()}


def test_a_photo_with_a_sunat_qr_becomes_a_prefilled_draft_at_once(page):
    client, settlement = page
    response = _upload(client, settlement, photo=_photo())
    assert response.status_code == 302
    receipt = Receipt.objects.get(settlement=settlement)
    p = samples.PAYLOADS[0]
    assert receipt.draft is True
    assert (receipt.receipt_type, receipt.issuer_tax_id, receipt.number) == (
        "invoice",
        p.issuer_tax_id,
        "F001-1234",
    )
    assert (receipt.date, receipt.currency, receipt.amount) == (
        dt.date(2026, 3, 3),
        "PEN",
        D("118.00"),
    )
    assert receipt.customer_tax_id == samples.ORG_RUC
    assert receipt.customer_name == "Secretaría Ejecutiva Regional"
    assert set(receipt.read_fields) >= {"issuer_tax_id", "number", "date", "amount"}
    document = receipt.documents.get()
    assert document.kind == Document.Kind.RECEIPT and document.original_name == "IMG_2031.jpg"
    # A draft counts in no balance.
    settlement.refresh_from_db()
    assert settlement.terminal_accepted == D("0.00") and settlement.balance == D("50.00")

    html = _detail(client, settlement).content.decode()
    assert "Read from the SUNAT QR code" in html or "Leído del código QR" in html
    assert f'value="{p.issuer_tax_id}"' in html and 'value="F001-1234"' in html
    assert "R-3.12" not in html.split('id="drafts"')[1].split("</article>")[0]


def test_r_3_12_a_qr_issued_to_someone_else_is_flagged_on_the_draft_at_once(page):
    client, settlement = page
    p = samples.payload(kind="03", series="B001", buyer_type="1", buyer="45678912")
    _upload(client, settlement, files=_photo(p))
    receipt = Receipt.objects.get(settlement=settlement)
    assert receipt.customer_tax_id == "45678912" and receipt.customer_name == ""
    draft_html = _detail(client, settlement).content.decode().split('id="drafts"')[1]
    assert "R-3.12" in draft_html.split("</article>")[0]


def test_without_a_qr_the_draft_is_prefilled_with_defaults(page):
    client, settlement = page
    _upload(client, settlement, files=png_upload("foto.png"))
    receipt = Receipt.objects.get(settlement=settlement)
    assert receipt.draft and receipt.read_fields == []
    assert receipt.customer_name == "Secretaría Ejecutiva Regional"
    assert receipt.customer_tax_id == samples.ORG_RUC
    assert receipt.date == dt.date(2026, 3, 2)  # the first day of the mission
    assert receipt.currency == "USD"  # San Salvador
    html = _detail(client, settlement).content.decode()
    assert "No SUNAT QR code was found" in html or "No se encontró" in html


def test_several_files_make_several_drafts_and_a_refused_one_loses_no_other(page):
    client, settlement = page
    first = pdf_upload("a.pdf")
    content = first.read()
    first.seek(0)
    services.receipt_upload(
        actor=settlement.mission.traveler,
        settlement=settlement,
        upload=SimpleUploadedFile("used.pdf", content, content_type="application/pdf"),
    )
    response = _upload(
        client,
        settlement,
        files=[first, pdf_upload("b.pdf"), _photo(salt=3)],
    )
    assert response.status_code == 302
    assert Receipt.objects.filter(settlement=settlement, draft=True).count() == 3
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith("a.pdf:") for m in messages)  # R-7c: the same file twice


def test_drafts_block_submission_until_confirmed_and_count_once_confirmed(page, pen_rate):
    client, settlement = page
    traveler = settlement.mission.traveler
    for kind in ("proof_of_travel", "mission_report"):
        services.settlement_attach_document(
            actor=traveler, settlement=settlement, kind=kind, upload=pdf_upload()
        )
    _upload(client, settlement, photo=_photo())
    receipt = Receipt.objects.get(settlement=settlement)
    client.post(reverse("settlements:action", args=[settlement.pk, "submit"]))
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.DRAFT

    data = _form_data(receipt, category="taxi", issuer_name="Transportes Lima S.A.C.")
    response = client.post(_change_url(receipt), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt.refresh_from_db()
    assert receipt.draft is False
    assert receipt.amount_usd == D("31.47")  # 118.00 / 3.75
    assert receipt.duplicate_key
    # The QR values were kept as read: still marked; the typed ones are not.
    assert "number" in receipt.read_fields and "issuer_name" not in receipt.read_fields
    settlement.refresh_from_db()
    assert settlement.terminal_accepted == D("31.47")
    client.post(reverse("settlements:action", args=[settlement.pk, "submit"]))
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.SUBMITTED


def test_a_refused_confirmation_comes_back_with_everything_typed(page):
    client, settlement = page
    _upload(client, settlement, photo=_photo())
    receipt = Receipt.objects.get(settlement=settlement)
    # Three letters pass the form, but no such ISO currency: the service refuses.
    data = _form_data(
        receipt,
        category="taxi",
        issuer_name="Transportes Lima S.A.C.",
        description="Aeropuerto – hotel, de noche",
        currency="ZZZ",
    )
    response = client.post(_change_url(receipt), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Transportes Lima S.A.C."' in html
    assert 'value="Aeropuerto – hotel, de noche"' in html
    assert '<option value="taxi" selected>' in html
    receipt.refresh_from_db()
    assert receipt.draft is True and receipt.issuer_name == ""


def test_an_invalid_field_comes_back_marked_with_the_other_values(page):
    client, settlement = page
    _upload(client, settlement, files=png_upload())
    receipt = Receipt.objects.get(settlement=settlement)
    data = _form_data(
        receipt, category="taxi", receipt_type="invoice", issuer_name="Taxi Sur", amount="0"
    )
    response = client.post(_change_url(receipt), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Taxi Sur"' in html and 'class="field has-error' in html
    assert Receipt.objects.get(pk=receipt.pk).issuer_name == ""


def test_every_field_of_a_line_is_edited_in_place_and_flags_are_fixed(page):
    client, settlement = page
    traveler = settlement.mission.traveler
    receipt = services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(category="phone", date=dt.date(2026, 2, 20), amount=D("12.00")),
    )
    summary_html = _detail(client, settlement).content.decode()
    assert "R-2b" in summary_html
    edit_page = _detail(client, settlement, editar=receipt.pk).content.decode()
    assert f'name="r{receipt.pk}-issuer_name"' in edit_page
    detail = SimpleUploadedFile("llamadas.pdf", pdf_upload().read(), "application/pdf")
    new_file = pdf_upload("factura-corregida.pdf")
    data = _form_data(
        receipt,
        outside_dates_reason="Llamada de coordinación antes de viajar",
        amount="15.00",
        number="F001-999",
    )
    data[f"r{receipt.pk}-call_detail"] = detail
    data[f"r{receipt.pk}-file"] = new_file
    response = client.post(_change_url(receipt), data)
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.amount == D("15.00") and receipt.number == "F001-999"
    assert receipt.outside_dates_reason.startswith("Llamada")
    kinds = sorted(receipt.documents.values_list("kind", "original_name"))
    assert kinds == [("call_detail", "llamadas.pdf"), ("receipt", "factura-corregida.pdf")]
    line = services.settlement_summary(settlement).line_for(receipt.pk)
    assert not line.verdict.blocks_submission
    assert "missing_call_detail" not in {f.code for f in line.verdict.findings}


def test_documents_are_removable_while_editable(page):
    client, settlement = page
    traveler = settlement.mission.traveler
    proof = services.settlement_attach_document(
        actor=traveler, settlement=settlement, kind="proof_of_travel", upload=pdf_upload()
    )
    receipt = services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields())
    response = client.post(reverse("settlements:document_remove", args=[proof.pk]))
    assert response.status_code == 302
    assert not Document.objects.filter(pk=proof.pk).exists()
    # A receipt keeps its file: replaced, or removed with the line.
    own = receipt.documents.get()
    client.post(reverse("settlements:document_remove", args=[own.pk]))
    assert Document.objects.filter(pk=own.pk).exists()


def test_the_times_form_comes_back_with_what_was_typed(page):
    client, settlement = page
    response = client.post(
        reverse("settlements:action", args=[settlement.pk, "times"]),
        {"actual_departure_at": "2026-03-06T08:00", "actual_return_at": "2026-03-02T10:00"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="2026-03-06T08:00"' in html and 'value="2026-03-02T10:00"' in html


def test_the_upload_form_offers_the_camera_and_several_files(page):
    client, settlement = page
    html = _detail(client, settlement).content.decode()
    assert 'capture="environment"' in html
    assert 'accept="application/pdf,image/jpeg,image/png"' in html and "multiple" in html


def test_another_person_cannot_change_or_confirm_a_line(page, client, django_user_model):
    _, settlement = page
    receipt = services.receipt_upload(
        actor=settlement.mission.traveler, settlement=settlement, upload=png_upload()
    )
    from tests.factories import UserFactory

    other = UserFactory(username="curious")
    client.logout()
    client.force_login(other)
    response = client.post(_change_url(receipt), _form_data(receipt, issuer_name="x"))
    assert response.status_code == 404
    assert Receipt.objects.get(pk=receipt.pk).issuer_name == ""


def test_the_accountants_review_of_a_line_comes_back_with_what_was_typed(
    client, submitted, accounting_assistant, accountant
):
    settlement = submitted()
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=dt.date(2026, 3, 9)
    )
    receipt = settlement.receipts.get()
    client.force_login(accountant)
    reason = "El taxi del aeropuerto cuesta a lo sumo US$ 25 según la tarifa oficial."
    response = client.post(
        reverse("settlements:receipt_action", args=[receipt.pk, "review"]),
        {"decision": "cut", "accepted_usd": "99.00", "reason": reason},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{reason}"' in html and 'value="99.00"' in html
    assert '<option value="cut" selected>' in html
    receipt.refresh_from_db()
    assert receipt.decision == Receipt.Decision.PENDING


def test_an_issuer_tax_id_with_a_wrong_check_digit_is_a_note_not_a_refusal(page):
    client, settlement = page
    traveler = settlement.mission.traveler
    wrong = services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(issuer_tax_id="0614-050707-104-1", number="F001-501"),
    )
    right = services.receipt_add(
        actor=traveler,
        settlement=settlement,
        **receipt_fields(issuer_tax_id="0614-050707-104-8", number="F001-502"),
    )
    html = _detail(client, settlement).content.decode()
    line = html.split(f'id="receipt-{wrong.pk}"')[1].split("</article>")[0]
    assert "0614-050707-104-1" in line and "NIT (El Salvador)" in line
    other = html.split(f'id="receipt-{right.pk}"')[1].split("</article>")[0]
    assert "NIT (El Salvador)" not in other
    settlement.refresh_from_db()
    assert settlement.terminal_accepted == D("70.00")  # both lines count: a note only


def test_the_settlement_api_lists_the_drafts_with_what_was_read(page):
    """An API client sees the uploaded receipts waiting for confirmation, and which values
    came from the SUNAT QR; they count in no line and no balance until confirmed."""
    client, settlement = page
    _upload(client, settlement, photo=_photo())
    body = client.get(f"/api/v1/settlements/{settlement.pk}/").json()
    assert body["lines"] == []
    [draft] = body["drafts"]
    receipt = Receipt.objects.get(settlement=settlement)
    assert draft["id"] == receipt.pk and draft["number"] == receipt.number
    assert set(draft["read_fields"]) >= {"issuer_tax_id", "number"}
