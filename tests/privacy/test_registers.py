"""R-S1, R-S2, R-S4: the registers of data banks, processors and transfers, and security
incidents with their 48-hour notification reminder."""

import datetime as dt

import pytest
from django.utils import timezone

from privacy import selectors
from privacy.models import (
    DataBank,
    NoticeAcknowledgement,
    PrivacyNotice,
    Processor,
    SecurityIncident,
    Transfer,
)

REGISTERS = "/privacidad/registros/"


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


@pytest.fixture
def bank(db):
    return DataBank.objects.create(
        name="Viajeros y liquidaciones",
        purpose="Pago de viáticos y control de liquidaciones",
        categories="Identidad, datos bancarios, viajes",
        has_sensitive_data=True,
        collection="Formulario web del solicitante",
        systems="Viáticos",
        registration_code="RNPDP-0421",
    )


def test_r_s1_register_of_data_banks_shows_purpose_categories_and_sensitive_flag(
    officer_client, bank
):
    html = officer_client.get(REGISTERS).content.decode()
    for value in (bank.name, bank.purpose, bank.categories, "RNPDP-0421", "Formulario web"):
        assert value in html
    assert "Datos sensibles" in html or "Sensitive data" in html


def test_r_s2_register_of_processors_and_cross_border_transfers(officer_client, bank):
    processor = Processor.objects.create(
        name="Nube Andina S.A.C.", service="Alojamiento de servidores", country="PE"
    )
    processor.data_banks.add(bank)
    transfer = Transfer.objects.create(
        recipient="Secretaría Regional",
        country="SV",
        purpose="Consolidación contable regional",
        guarantee="Cláusulas contractuales",
        reported_on=dt.date(2026, 1, 15),
    )
    transfer.data_banks.add(bank)

    html = officer_client.get(REGISTERS).content.decode()

    for value in ("Nube Andina S.A.C.", "Alojamiento de servidores", "Secretaría Regional"):
        assert value in html
    assert "Cláusulas contractuales" in html and "15/01/2026" in html
    assert "Secretaría Regional (SV)" in html  # listed against the data bank too


def test_r_s1_r_s2_registers_are_hidden_from_other_staff(client, traveler, accountant, bank):
    for user in (traveler, accountant):
        client.force_login(user)
        assert client.get(REGISTERS).status_code == 404


def test_r_s4_incident_reminds_to_notify_within_48_hours_until_both_are_told(officer_client):
    detected = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 30))
    incident = SecurityIncident.objects.create(
        detected_at=detected,
        nature="Portátil con planillas extraviado",
        data_categories="Identidad, datos bancarios",
        people_affected=12,
        measures="Bloqueo remoto y cambio de claves",
    )
    assert incident.notify_by == detected + dt.timedelta(hours=48)
    assert selectors.queue_counts(dt.date(2026, 3, 2))["incidents_pending"] == [incident]
    html = officer_client.get(REGISTERS).content.decode()
    assert "04/03/2026 10:30" in html  # the 48-hour deadline
    queue = officer_client.get("/privacidad/solicitudes/").content.decode()
    assert "04/03/2026 10:30" in queue

    incident.authority_notified_at = detected + dt.timedelta(hours=20)
    incident.save()
    assert selectors.queue_counts(dt.date(2026, 3, 3))["incidents_pending"] == [incident]
    incident.subjects_notified_at = detected + dt.timedelta(hours=30)
    incident.save()
    assert selectors.queue_counts(dt.date(2026, 3, 3))["incidents_pending"] == []
    assert "04/03/2026 10:30" not in officer_client.get("/privacidad/solicitudes/").content.decode()


@pytest.mark.django_db
def test_r_s3_staff_views_of_a_traveler_profile_and_its_versions_in_the_admin_are_logged(
    client, privacy_officer, traveler, settings
):
    from privacy.models import AccessLogEntry

    settings.PRIVACY_CONSENT_PROMPT = False
    privacy_officer.is_staff = True
    privacy_officer.save()
    client.force_login(privacy_officer)
    profile = traveler.traveler_profile
    version = profile.history.latest("history_id").history_id
    pages = [
        f"/admin/viaticos/travelerprofile/{profile.pk}/change/",
        # its past versions show the same document and bank data
        f"/admin/viaticos/travelerprofile/{profile.pk}/history/",
        f"/admin/viaticos/travelerprofile/{profile.pk}/history/{version}/",
    ]
    for number, url in enumerate(pages, start=1):
        assert client.get(url).status_code == 200, url
        assert AccessLogEntry.objects.count() == number, url
    for entry in AccessLogEntry.objects.all():
        assert (entry.actor, entry.subject) == (privacy_officer, traveler)
        assert entry.record_key == f"viaticos.travelerprofile:{profile.pk}"
