"""Pages and API of settlements: the whole flow over HTTP, access (404), files, PDFs."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from pypdf import PdfReader

from missions import services as mission_services
from settlements.models import Settlement
from tests.factories import PASSWORD
from tests.settlements.conftest import pdf_upload, png_upload


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def receipt_post(**overrides):
    data = {
        "receipt_type": "invoice",
        "category": "taxi",
        "issuer_name": "Taxis Seguros",
        "issuer_tax_id": "06140101011011",
        "number": "F001-77",
        "customer_name": "Secretaría Ejecutiva Regional",
        "customer_tax_id": "20512345678",
        "date": "2026-03-03",
        "currency": "USD",
        "amount": "35.00",
        "file": pdf_upload("factura.pdf"),
    }
    data.update(overrides)
    return data


def test_api_full_flow_from_traveler_to_closed(
    api_client,
    returned_mission,
    traveler,
    accounting_assistant,
    accountant,
    django_capture_on_commit_callbacks,
):
    mission = returned_mission()
    api_client.force_authenticate(traveler)
    response = api_client.post("/api/v1/settlements/", {"mission": mission.pk}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["viaticos_recognized"] == "400.00"
    for kind in ("proof_of_travel", "mission_report"):
        response = api_client.post(
            f"/api/v1/settlements/{pk}/documents/", {"kind": kind, "file": pdf_upload()}
        )
        assert response.status_code == 201, response.json()
    response = api_client.post(f"/api/v1/settlements/{pk}/receipts/", receipt_post())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["lines"][0]["accepted_usd"] == "35.00"
    assert body["live_balance"]["amount"] == "15.00"
    response = api_client.post(
        f"/api/v1/settlements/{pk}/receipts/",
        receipt_post(number="F001-78", category="phone", amount="30.00", file=png_upload()),
    )
    line = response.json()["lines"][1]
    assert line["accepted_usd"] == "0.00"
    assert [f["code"] for f in line["findings"]] == ["phone_call_detail_missing"]
    receipt_id = line["id"]
    assert api_client.delete(f"/api/v1/receipts/{receipt_id}/").status_code == 204
    assert api_client.post(f"/api/v1/settlements/{pk}/submit/").status_code == 200

    api_client.force_authenticate(accounting_assistant)
    with django_capture_on_commit_callbacks(execute=True):  # the stamping run, in-process
        response = api_client.post(f"/api/v1/settlements/{pk}/receive/")
    assert response.status_code == 200 and response.json()["status"] == "received"
    assert response.json()["stamping"]["state"] == "running"
    response = api_client.get(f"/api/v1/settlements/{pk}/")
    assert response.json()["stamping"] == {"state": "done", "done": 3, "total": 3, "error": ""}
    assert all(d["stamped_url"] for d in response.json()["documents"])

    api_client.force_authenticate(accountant)
    line_id = response.json()["lines"][0]["id"]
    response = api_client.post(
        f"/api/v1/receipts/{line_id}/review/",
        {"decision": "cut", "accepted_usd": "30.00", "reason": "Tarifa oficial"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert api_client.post(f"/api/v1/settlements/{pk}/finish-review/").status_code == 200
    response = api_client.post(f"/api/v1/settlements/{pk}/settle/")
    assert response.json()["status"] == "settled" and response.json()["balance"] == "20.00"
    response = api_client.post(
        f"/api/v1/settlements/{pk}/record-balance/",
        {"on": "2026-03-12", "reference": "DEP-1"},
        format="json",
    )
    assert response.json()["status"] == "closed"


def test_api_wrong_role_gets_a_clear_403(api_client, submitted, accountant):
    settlement = submitted()
    api_client.force_authenticate(accountant)
    response = api_client.post(f"/api/v1/settlements/{settlement.pk}/receive/")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


def test_another_traveler_gets_404_on_your_settlement_receipts_and_files(
    client, api_client, submitted, other_traveler
):
    settlement = submitted()
    receipt = settlement.receipts.get()
    document = receipt.documents.get()
    login(client, other_traveler)
    for url in (
        reverse("settlements:detail", args=[settlement.pk]),
        reverse("settlements:review", args=[settlement.pk]),
        reverse("settlements:document", args=[document.pk]),
        reverse("settlements:report", args=[settlement.pk]),
        reverse("settlements:bundle", args=[settlement.pk]),
    ):
        assert client.get(url).status_code == 404, url
    api_client.force_authenticate(other_traveler)
    assert api_client.get(f"/api/v1/settlements/{settlement.pk}/").status_code == 404
    assert api_client.delete(f"/api/v1/receipts/{receipt.pk}/").status_code == 404
    assert api_client.get("/api/v1/settlements/").json()["count"] == 0


def test_owner_downloads_the_original_file_through_the_checked_view(client, submitted, traveler):
    settlement = submitted()
    document = settlement.receipts.get().documents.get()
    response = login(client, traveler).get(reverse("settlements:document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_flow_and_stamped_bundle_pdf(
    client, draft, traveler, accounting_assistant, accountant, django_capture_on_commit_callbacks
):
    settlement = draft()
    login(client, traveler)
    detail = reverse("settlements:detail", args=[settlement.pk])
    assert client.get(detail).status_code == 200
    for kind in ("proof_of_travel", "mission_report"):
        client.post(
            reverse("settlements:action", args=[settlement.pk, "document"]),
            {"kind": kind, "file": pdf_upload()},
        )
    response = client.post(
        reverse("settlements:action", args=[settlement.pk, "receipt"]), receipt_post()
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "F001-77" in page and "15.00" in page
    client.post(reverse("settlements:action", args=[settlement.pk, "submit"]))
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.SUBMITTED
    client.logout()

    login(client, accounting_assistant)
    inbox = client.get(reverse("settlements:inbox")).content.decode()
    assert settlement.code in inbox
    with django_capture_on_commit_callbacks(execute=True):  # the stamping run, in-process
        client.post(reverse("settlements:action", args=[settlement.pk, "receive"]))
    response = client.get(reverse("settlements:bundle", args=[settlement.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 4  # cover + 3 documents
    assert all("Liquidado, Fecha:" in page.extract_text() for page in reader.pages[1:])
    client.logout()

    login(client, accountant)
    review = reverse("settlements:review", args=[settlement.pk])
    assert client.get(review).status_code == 200
    receipt = settlement.receipts.get()
    client.post(
        reverse("settlements:receipt_action", args=[receipt.pk, "review"]),
        {"decision": "accepted"},
    )
    client.post(reverse("settlements:action", args=[settlement.pk, "finish_review"]))
    client.post(reverse("settlements:action", args=[settlement.pk, "settle"]))
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.SETTLED
    report = client.get(reverse("settlements:report", args=[settlement.pk]))
    text = PdfReader(io.BytesIO(report.content)).pages[0].extract_text()
    assert settlement.code in text and "15.00" in text


def test_domain_error_on_a_page_is_a_message_not_a_crash(client, draft, traveler):
    settlement = draft()
    login(client, traveler)
    response = client.post(
        reverse("settlements:action", args=[settlement.pk, "receipt"]),
        receipt_post(currency="QQQ"),
        follow=True,
    )
    assert response.status_code == 200
    assert not settlement.receipts.exists()
    assert "Ingrese un código de moneda ISO." in response.content.decode()


def test_recibo_de_egresos_download(client, draft, traveler):
    settlement = draft()
    login(client, traveler)
    response = client.get(
        reverse("settlements:recibo_egresos", args=[settlement.pk]),
        {"date": "2026-03-03", "concept": "Taxi", "currency": "USD", "amount": "12.00"},
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("path", ["settlements:list", "settlements:inbox"])
def test_lists_require_login(client, path, db):
    assert client.get(reverse(path)).status_code == 302


def test_home_panel_for_the_accounting_assistant(client, submitted, accounting_assistant):
    submitted()
    page = login(client, accounting_assistant).get(reverse("home")).content.decode()
    assert reverse("settlements:inbox") in page


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_receipt_and_times_forms_refuse_dates_out_of_range(value):
    from django.utils import translation

    from settlements.forms import ReceiptForm, TimesForm

    with translation.override("es"):
        receipt = ReceiptForm(data={"date": value})
        times = TimesForm(
            data={"actual_departure_at": f"{value}T23:30", "actual_return_at": f"{value}T23:45"}
        )
        assert not receipt.is_valid() and not times.is_valid()
        assert "Ingrese una fecha entre 2000 y 2099." in receipt.errors["date"]
        assert "Ingrese una fecha entre 2000 y 2099." in times.errors["actual_departure_at"]


def test_r_4_missions_to_settle_are_the_returned_ones_and_those_stopped_with_money_spent(
    client, disbursed_advance, authorized_mission, traveler, other_traveler, coordinator
):
    spent = disbursed_advance(traveler).mission
    mission_services.mission_suspend(
        actor=coordinator, mission=spent, reason="Cambio de agenda", amount_spent=D("120.00")
    )
    unspent = disbursed_advance(other_traveler).mission  # its advance is now to be returned
    mission_services.mission_suspend(actor=coordinator, mission=unspent, reason="Emergencia")
    never_paid = authorized_mission(other_traveler)
    mission_services.mission_cancel(actor=other_traveler, mission=never_paid, reason="Postergado")

    client.force_login(traveler)
    page = client.get("/liquidaciones/", HTTP_ACCEPT_LANGUAGE="es")
    assert [row.mission.pk for row in page.context["ready_missions"].object_list] == [spent.pk]
    html = page.content.decode()
    assert "Suspendida: liquide lo gastado del anticipo" in html
    assert 'href="/reglas/#R-4"' in html  # the rule behind it, as a "¿por qué?" link
    started = client.post(reverse("settlements:start", args=[spent.pk]))
    assert started.status_code == 302 and Settlement.objects.filter(mission=spent).exists()

    client.force_login(other_traveler)
    assert not client.get("/liquidaciones/").context["ready_missions"].object_list
    for mission in (unspent, never_paid):
        refused = client.post(
            reverse("settlements:start", args=[mission.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "partly spent" in refused.content.decode()
        assert 'href="/reglas/#R-4"' in refused.content.decode()
    assert not Settlement.objects.filter(mission__in=[unspent, never_paid]).exists()


def test_r_3_3_missions_to_settle_show_by_when(client, disbursed_advance, traveler):
    """Back on Thursday 5 March 2026: due five business days later, on Thursday 12 March."""
    mission = disbursed_advance(traveler).mission
    mission_services.mission_start(actor=traveler, mission=mission)
    mission_services.mission_mark_returned(actor=traveler, mission=mission)
    client.force_login(traveler)

    page = client.get("/liquidaciones/", HTTP_ACCEPT_LANGUAGE="es")

    (row,) = page.context["ready_missions"].object_list
    assert row.due_date == dt.date(2026, 3, 12)
    html = page.content.decode()
    assert "Liquide a más tardar" in html and "12/03/2026" in html
    assert f"{row.days_late} días hábiles de atraso" in html and row.days_late > 150
    assert "liquide lo gastado" not in html  # returned, not stopped


def test_missions_to_settle_count_business_days_left_before_the_due_date(
    disbursed_advance, traveler
):
    from settlements import selectors

    mission = disbursed_advance(traveler).mission
    mission_services.mission_start(actor=traveler, mission=mission)
    mission_services.mission_mark_returned(actor=traveler, mission=mission)

    def row(today):
        (only,) = selectors.missions_to_settle_page(traveler, today=today).object_list
        return only

    assert row(dt.date(2026, 3, 9)).days_left == 3  # Monday: Tue, Wed, Thu
    assert row(dt.date(2026, 3, 12)).days_left == 0
    assert row(dt.date(2026, 3, 13)).days_late == 1


def test_r_5_missions_to_settle_count_from_a_payment_made_after_the_return(
    signed_advance, treasurer, traveler
):
    """Back on Thursday 5 March, the advance paid on Friday 13 March (an emergency, R-5): the
    settlement is due five business days after the payment, as on Mis plazos and for the job."""
    from settlements import selectors

    advance = signed_advance(traveler)
    mission = advance.mission
    mission_services.mission_start(actor=traveler, mission=mission)
    mission_services.mission_mark_returned(actor=traveler, mission=mission)
    mission_services.advance_disburse(
        actor=treasurer,
        advance=advance,
        disbursed_on=dt.date(2026, 3, 13),
        method="transfer",
        reference="OP-11",
    )

    (row,) = selectors.missions_to_settle_page(traveler, today=dt.date(2026, 3, 16)).object_list

    assert row.due_date == dt.date(2026, 3, 20)
    assert row.days_left == 4
