"""Reglamento D.S. 016-2024-JUS (SPEC §5.4, "Also under R-S1…R-S4"): the designation of the
Oficial de Datos Personales is recorded (who, deputy, act, dates, communication to the
Authority) and named in the notice, the letters and the registers page."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from privacy import selectors
from privacy.models import NoticeAcknowledgement, OfficerDesignation, PrivacyNotice
from tests.factories import UserFactory
from viaticos.roles import Role


@pytest.fixture
def designation(privacy_officer):
    privacy_officer.first_name, privacy_officer.last_name = "Rosa", "Huamán Tello"
    privacy_officer.save()
    deputy = UserFactory(first_name="Jorge", last_name="Salas", roles=[Role.PRIVACY_OFFICER])
    return OfficerDesignation.objects.create(
        officer=privacy_officer,
        deputy=deputy,
        contact_email="datospersonales@example.org",
        act="Resolución 012-2026-DE",
        designated_on=dt.date(2026, 1, 5),
        starts_on=dt.date(2026, 1, 5),
    )


@pytest.mark.django_db
def test_the_designation_in_force_is_the_one_named(designation, privacy_officer):
    OfficerDesignation.objects.create(
        officer=UserFactory(),
        contact_email="old@example.org",
        act="Resolución 001-2024-DE",
        designated_on=dt.date(2024, 1, 1),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 1, 4),
    )
    assert selectors.officer_designation(dt.date(2026, 3, 1)) == designation
    assert selectors.officer_designation(dt.date(2025, 6, 1)).act == "Resolución 001-2024-DE"
    assert selectors.officer_designation(dt.date(2023, 6, 1)) is None


@pytest.mark.django_db
def test_the_notice_names_the_officer_the_deputy_and_how_to_reach_them(client, designation):
    html = client.get("/privacidad/").content.decode()
    assert "Rosa Huamán Tello" in html and "Jorge Salas" in html
    assert "datospersonales@example.org" in html and "Resolución 012-2026-DE" in html


@pytest.mark.django_db
def test_the_response_letter_is_signed_with_the_name_and_role(designation):
    from privacy.models import ArcoRequest

    req = ArcoRequest(
        tracking_code="X", right="acceso", full_name="Lucía", received_on=dt.date(2026, 3, 2)
    )
    html = render_to_string(
        "privacy/pdf/response_letter.html", {"req": req, "designation": designation}
    )
    signature = html[html.index('class="signatures"') :]
    assert "Rosa Huamán Tello" in signature and "Oficial de Datos Personales" in signature
    assert "D.S. 016-2024-JUS" in html and "003-2013" not in html


@pytest.mark.django_db
def test_the_registers_page_shows_the_designation_and_what_is_missing(
    client, designation, privacy_officer
):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    html = client.get("/privacidad/registros/").content.decode()
    assert "Resolución 012-2026-DE" in html and "Jorge Salas" in html
    assert "Aún no" in html  # not yet communicated to the Authority
    designation.communicated_on = dt.date(2026, 1, 8)
    designation.save()
    html = client.get("/privacidad/registros/").content.decode()
    assert "08/01/2026" in html and "Aún no" not in html


@pytest.mark.django_db
def test_without_a_designation_the_registers_page_says_so(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    html = client.get("/privacidad/registros/").content.decode()
    assert "No hay designación registrada" in html
