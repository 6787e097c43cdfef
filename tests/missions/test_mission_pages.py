"""The HTML pages: Nueva misión, Mis misiones, Por aprobar, Tesorería, detail and PDFs."""

import io

import pytest
from pypdf import PdfReader

from missions.models import Advance, Destination, Mission

FORM = {
    "project": None,
    "kind": "ordinary",
    "purpose": "Taller regional",
    "expected_results": "Plan de acción",
    "departure_at": "2026-03-02T07:30",
    "return_at": "2026-03-05T19:00",
    "leg1_arrive_at": "2026-03-02T11:00",
    "leg1_leave_at": "2026-03-05T15:00",
}


@pytest.fixture
def form_data(seed_rates, organization, project, budget_line):
    return {
        **FORM,
        "project": project.pk,
        "line": budget_line.pk,
        "leg1_destination": Destination.objects.get(code="SV-SAL").pk,
    }


def test_nueva_mision_calculates_the_breakdown_without_saving(client, traveler, form_data):
    client.force_login(traveler)
    assert client.get("/misiones/nueva/").status_code == 200
    response = client.post("/misiones/nueva/", {**form_data, "preview": "1"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "400.00 USD" in text and "R-3.9" in text and "Alojamiento" in text
    assert not Mission.objects.exists()


def test_nueva_mision_saves_and_submits(client, traveler, form_data):
    client.force_login(traveler)
    response = client.post("/misiones/nueva/", {**form_data, "submit": "1"}, follow=True)
    mission = Mission.objects.get()
    assert mission.status == Mission.Status.SUBMITTED and mission.planned_total == 400
    assert response.redirect_chain[-1][0] == f"/misiones/{mission.pk}/"


def test_nueva_mision_shows_a_clear_message_for_a_bad_itinerary(client, traveler, form_data):
    client.force_login(traveler)
    response = client.post(
        "/misiones/nueva/", {**form_data, "leg1_leave_at": "2026-03-06T10:00", "save": "1"}
    )
    assert "debe terminar en la sede" in response.content.decode()
    assert not Mission.objects.exists()


def test_mis_misiones_shows_status_chips_and_next_step_with_constant_queries(
    client, traveler, make_mission, django_assert_max_num_queries
):
    for _ in range(5):
        make_mission()
    client.force_login(traveler)
    with django_assert_max_num_queries(12):
        response = client.get("/misiones/")
    text = response.content.decode()
    assert text.count("chip chip-warn") >= 5 and "Complete" not in text
    assert "Complétela" in text or "envíela" in text


def test_por_aprobar_one_click_authorize_and_reject_with_reason(
    client, traveler, coordinator, make_mission, django_assert_max_num_queries
):
    missions = [make_mission() for _ in range(3)]
    client.force_login(traveler)
    for mission in missions:  # same dates: each says why
        client.post(f"/misiones/{mission.pk}/submit/", {"overlap_reason": "Talleres paralelos"})
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        page = client.get("/por-aprobar/")
    assert len(page.context["missions"]) == 3
    client.post(f"/misiones/{missions[0].pk}/authorize/", {"next": "/por-aprobar/"})
    client.post(
        f"/misiones/{missions[1].pk}/reject/", {"reason": "Fechas", "next": "/por-aprobar/"}
    )
    missions[0].refresh_from_db()
    missions[1].refresh_from_db()
    assert missions[0].coordinator_authorized_by == coordinator
    assert missions[1].status == Mission.Status.REJECTED and missions[1].status_reason == "Fechas"
    assert len(client.get("/por-aprobar/").context["missions"]) == 1


def test_traveler_cannot_open_the_inbox_or_treasury(client, traveler):
    client.force_login(traveler)
    assert client.get("/por-aprobar/").status_code == 403
    assert client.get("/tesoreria/desembolsos/").status_code == 403


def test_treasury_disburses_from_its_list(
    client, treasurer, signed_advance, django_assert_max_num_queries
):
    advances = [signed_advance() for _ in range(3)]
    client.force_login(treasurer)
    with django_assert_max_num_queries(12):
        page = client.get("/tesoreria/desembolsos/")
    assert len(page.context["advances"]) == 3
    data = {"disbursed_on": "2026-02-27", "method": "transfer", "reference": "OP-5"}
    client.post(f"/anticipos/{advances[0].pk}/disburse/", data)
    response = client.post(f"/anticipos/{advances[0].pk}/disburse/", data, follow=True)
    text = response.content.decode()
    assert "No se puede desembolsar" in text, text[text.find("messages") :][:600]
    advances[0].refresh_from_db()
    assert advances[0].status == Advance.Status.DISBURSED
    assert advances[0].events.filter(action="advance_disbursed").count() == 1


def test_mission_detail_shows_timeline_history_and_actions(
    client, coordinator, traveler, make_mission
):
    mission = make_mission()
    client.force_login(traveler)
    client.post(f"/misiones/{mission.pk}/submit/")
    client.force_login(coordinator)
    page = client.get(f"/misiones/{mission.pk}/").content.decode()
    assert "Enviada para autorización" in page and "Historial de cambios" in page
    assert f"/misiones/{mission.pk}/authorize/" in page


def test_english_pages_are_translated(client, traveler, make_mission):
    mission = make_mission()
    client.force_login(traveler)
    client.cookies["django_language"] = "en"
    page = client.get(f"/misiones/{mission.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Planned per diem" in page


def test_home_panels_show_real_work(client, traveler, coordinator, treasurer, signed_advance):
    advance = signed_advance()
    client.force_login(traveler)
    assert advance.mission.code in client.get("/").content.decode()
    client.force_login(treasurer)
    assert "/tesoreria/desembolsos/" in client.get("/").content.decode()


def test_both_pdfs_carry_the_breakdown_rule_ids_and_approval_blocks(
    client, traveler, disbursed_advance, coordinator
):
    advance = disbursed_advance()
    client.force_login(traveler)
    order = client.get(f"/misiones/{advance.mission_id}/nombramiento.pdf")
    assert order["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(order.content)).pages)
    assert "R-3.9" in text and "400.00" in text and coordinator.get_full_name() in text
    request = client.get(f"/anticipos/{advance.pk}/solicitud.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(request.content)).pages)
    assert "450.00" in text and "R-3.1" in text and "Director Financiero" in text
    # They carry personal data: never kept by a shared cache.
    assert order["Cache-Control"] == request["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "field, value",
    [
        ("departure_at", "9999-12-31T23:30"),
        ("return_at", "0001-01-01T10:00"),
        ("leg1_arrive_at", "1999-12-31T10:00"),
        ("purpose", "x" * 100_000),
        ("expected_results", "y" * 2001),
    ],
)
def test_nueva_mision_refuses_absurd_input_with_a_message_and_saves_nothing(
    client, traveler, form_data, field, value
):
    client.force_login(traveler)
    response = client.post("/misiones/nueva/", {**form_data, field: value, "save": "1"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ingrese una fecha entre 2000 y 2099" in text or "caracteres" in text
    assert not Mission.objects.exists()
