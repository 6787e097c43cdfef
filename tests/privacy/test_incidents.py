"""R-S4: any staff member reports a security incident; the Oficial and the deputy are alerted
at once, at 24 hours and before the 48 run out; the report to the Authority and the notices to
the people affected are drafted from the record, sent through the outbox and logged."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from privacy import incidents
from privacy.models import (
    IncidentCommunication,
    NoticeAcknowledgement,
    OfficerDesignation,
    PrivacyNotice,
    SecurityIncident,
)
from tests.factories import UserFactory
from viaticos.models import OutboxMessage
from viaticos.roles import Role

T0 = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def designation(privacy_officer):
    privacy_officer.email = "oficial@example.org"
    privacy_officer.first_name, privacy_officer.last_name = "Rosa", "Huamán"
    privacy_officer.save()
    deputy = UserFactory(email="suplente@example.org", roles=[Role.PRIVACY_OFFICER])
    return OfficerDesignation.objects.create(
        officer=privacy_officer,
        deputy=deputy,
        contact_email="datos@example.org",
        act="Resolución 012-2026-DE",
        designated_on=dt.date(2026, 1, 5),
        starts_on=dt.date(2026, 1, 5),
    )


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


def _alerts():
    return list(OutboxMessage.objects.filter(kind="privacy_incident").order_by("pk"))


@pytest.mark.django_db
def test_r_s4_any_staff_member_reports_and_the_oficial_and_deputy_are_alerted_at_once(
    client, traveler, designation
):
    client.force_login(traveler)
    assert client.get("/privacidad/incidentes/reportar/").status_code == 200
    response = client.post(
        "/privacidad/incidentes/reportar/",
        {
            "detected_at": "2026-03-03T09:00",
            "nature": "Perdí mi portátil con las liquidaciones del equipo.",
            "data_categories": "DNI, cuentas bancarias",
            "people_affected": "12",
        },
    )
    assert response.status_code == 302
    incident = SecurityIncident.objects.get()
    assert incident.reported_by == traveler and incident.alerted_at is not None
    [alert] = _alerts()
    assert alert.to == ["datos@example.org", "oficial@example.org", "suplente@example.org"]
    assert "portátil" in alert.body
    assert incident.communications.get().kind == IncidentCommunication.Kind.ALERT


@pytest.mark.django_db
def test_r_s4_a_report_without_a_description_is_refused_and_stores_nothing(client, traveler):
    client.force_login(traveler)
    response = client.post(
        "/privacidad/incidentes/reportar/",
        {"detected_at": "2026-03-03T09:00", "nature": "", "people_affected": "1"},
    )
    assert response.status_code == 400 and 'name="nature"' in response.content.decode()
    assert not SecurityIncident.objects.exists()


@pytest.mark.django_db
def test_r_s4_alerts_at_24_hours_and_before_48_once_each(traveler, designation):
    incident = incidents.incident_report(
        actor=traveler,
        detected_at=T0,
        nature="x",
        data_categories="DNI",
        people_affected=1,
        now=T0,
    )
    assert incidents.incident_alerts_send(now=T0 + dt.timedelta(hours=23)) == []
    assert incidents.incident_alerts_send(now=T0 + dt.timedelta(hours=24)) == [(incident.pk, "24h")]
    assert incidents.incident_alerts_send(now=T0 + dt.timedelta(hours=30)) == []
    call_command("incident_alerts", now=(T0 + dt.timedelta(hours=40)).isoformat(), stdout=None)
    incident.refresh_from_db()
    assert incident.alerted_final_at == T0 + dt.timedelta(hours=40)
    assert incidents.incident_alerts_send(now=T0 + dt.timedelta(hours=47)) == []
    assert len(_alerts()) == 3


@pytest.mark.django_db
def test_r_s4_no_alert_once_everyone_was_notified(traveler, designation):
    incident = incidents.incident_report(
        actor=traveler,
        detected_at=T0,
        nature="x",
        data_categories="DNI",
        people_affected=1,
        now=T0,
    )
    incident.authority_notified_at = incident.subjects_notified_at = T0 + dt.timedelta(hours=2)
    incident.save()
    assert incidents.incident_alerts_send(now=T0 + dt.timedelta(hours=41)) == []


@pytest.mark.django_db
def test_r_s4_without_a_designation_every_privacy_officer_is_alerted(traveler, privacy_officer):
    privacy_officer.email = "po@example.org"
    privacy_officer.save()
    incidents.incident_report(
        actor=traveler, detected_at=T0, nature="x", data_categories="", people_affected=0, now=T0
    )
    assert _alerts()[0].to == ["po@example.org"]


@pytest.mark.django_db
def test_r_s4_report_to_the_authority_and_notices_are_drafted_sent_and_logged(
    officer_client, traveler, other_traveler, designation, privacy_officer
):
    traveler.email, other_traveler.email = "a@example.org", "b@example.org"
    traveler.save()
    other_traveler.save()
    incident = incidents.incident_report(
        actor=traveler,
        detected_at=timezone.now(),
        nature="Correo enviado a un tercero",
        data_categories="DNI",
        people_affected=2,
        measures="Se pidió borrar el correo.",
    )
    incident.affected_users.add(traveler, other_traveler)
    page = officer_client.get(f"/privacidad/incidentes/{incident.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Correo enviado a un tercero" in html and "Se pidió borrar el correo." in html
    assert "Rosa Huamán" in html  # the notice names the Oficial
    pdf = officer_client.get(f"/privacidad/incidentes/{incident.pk}/informe.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    bad = officer_client.post(
        f"/privacidad/incidentes/{incident.pk}/enviar-autoridad/", {"to": "x"}
    )
    assert bad.status_code == 302
    incident.refresh_from_db()
    assert incident.authority_notified_at is None
    officer_client.post(
        f"/privacidad/incidentes/{incident.pk}/enviar-autoridad/", {"to": "autoridad@example.org"}
    )
    officer_client.post(f"/privacidad/incidentes/{incident.pk}/notificar-afectados/")
    officer_client.post(f"/privacidad/incidentes/{incident.pk}/notificar-afectados/")  # again
    incident.refresh_from_db()
    assert incident.authority_notified_at and incident.subjects_notified_at
    report = OutboxMessage.objects.get(to=["autoridad@example.org"])
    assert report.attachments == [{"builder": "privacy.incident_report", "args": [incident.pk]}]
    notices = OutboxMessage.objects.filter(to__in=[["a@example.org"], ["b@example.org"]])
    assert notices.count() == 2  # once each, not twice
    assert "Se pidió borrar el correo." in notices.first().body
    kinds = list(incident.communications.values_list("kind", "to", "sent_by"))
    assert ("authority", "autoridad@example.org", privacy_officer.pk) in kinds
    assert sum(1 for k in kinds if k[0] == "subject") == 2


@pytest.mark.django_db
def test_r_s4_only_the_oficial_sends(client, traveler, designation):
    incident = incidents.incident_report(
        actor=traveler, detected_at=T0, nature="x", data_categories="", people_affected=0, now=T0
    )
    client.force_login(traveler)
    assert client.get(f"/privacidad/incidentes/{incident.pk}/").status_code == 404
    url = f"/privacidad/incidentes/{incident.pk}/enviar-autoridad/"
    assert client.post(url, {"to": "autoridad@example.org"}).status_code == 404
    incident.refresh_from_db()
    assert incident.authority_notified_at is None


@pytest.mark.real_pdf
@pytest.mark.django_db
def test_r_s4_the_report_pdf_is_real(traveler, designation):
    incident = incidents.incident_report(
        actor=traveler,
        detected_at=T0,
        nature="x",
        data_categories="DNI",
        people_affected=3,
        now=T0,
    )
    assert incidents.authority_report_pdf(incident).startswith(b"%PDF")
