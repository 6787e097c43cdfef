"""R-P1: notice v2 is generated from the registers (processors and countries, transfers, data
banks and their register code, retention per category, the Oficial, the 2024 Reglamento),
tells the truth about automated decisions, and is recorded as given when a profile is created
(paper or electronic), not only at first login."""

import datetime as dt

import pytest
from django.core.management import call_command

from privacy.models import (
    Channel,
    DataBank,
    NoticeAcknowledgement,
    OfficerDesignation,
    PrivacyNotice,
    Processor,
    Transfer,
)
from privacy.notice_builder import notice_publish
from tests.factories import OrganizationFactory, UserFactory
from viaticos.errors import DomainError
from viaticos.roles import Role


@pytest.fixture
def registers(privacy_officer):
    OrganizationFactory()
    bank = DataBank.objects.create(
        name="Viajeros y viáticos",
        purpose="p",
        categories="c",
        collection="c",
        systems="s",
        registration_code="RNPDP-PJP N.° 12345",
    )
    DataBank.objects.create(
        name="Solicitudes ARCO", purpose="p", categories="c", collection="c", systems="s"
    )
    processor = Processor.objects.create(name="Nube S.A.C.", service="Alojamiento", country="US")
    processor.data_banks.add(bank)
    Transfer.objects.create(
        recipient="Hotel Camino Real",
        country="GT",
        purpose="Reserva de alojamiento",
        guarantee=Transfer.Guarantee.CONTRACT_CLAUSES,
    )
    privacy_officer.first_name, privacy_officer.last_name = "Rosa", "Huamán"
    privacy_officer.save()
    OfficerDesignation.objects.create(
        officer=privacy_officer,
        contact_email="datos@example.org",
        act="Resolución 012-2026-DE",
        designated_on=dt.date(2026, 1, 5),
        starts_on=dt.date(2026, 1, 5),
    )


@pytest.mark.django_db
def test_r_p1_notice_v2_is_built_from_the_registers(registers):
    notice = notice_publish(version="2", effective_on=dt.date(2026, 4, 1))
    es = notice.text_es
    assert "Nube S.A.C. (Estados Unidos)" in es and "Alojamiento" in es
    assert "Hotel Camino Real (Guatemala)" in es and "Cláusulas contractuales" in es
    assert "código RNPDP-PJP N.° 12345" in es
    assert "«Solicitudes ARCO», en trámite de inscripción" in es
    assert "Rosa Huamán" in es and "datos@example.org" in es
    assert "016-2024-JUS" in es and "003-2013" not in es and "indicada arriba" not in es
    assert "6 años" in es or "años" in es  # retention per category, from the policies
    assert "Nube S.A.C. (United States)" in notice.text_en
    assert notice.content_hash == PrivacyNotice.compute_hash(
        notice.title_es, notice.text_es, notice.title_en, notice.text_en
    )


@pytest.mark.django_db
def test_r_p1_notice_v2_tells_the_truth_about_automated_decisions(registers):
    es = notice_publish(version="2", effective_on=dt.date(2026, 4, 1)).text_es
    section = es[es.index("## 9.") : es.index("## 10.")]
    assert "propone órdenes de descuento" in section and "Contador General" in section
    assert "ninguna decisión" not in section.lower()


@pytest.mark.django_db
def test_r_p1_publishing_twice_the_same_version_is_refused(registers):
    call_command("publish_notice", "2", effective="2026-04-01", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(DomainError):
        notice_publish(version="2", effective_on=dt.date(2026, 4, 2))


@pytest.mark.django_db
def test_r_p1_the_notice_page_shows_the_new_version(client, registers):
    notice_publish(version="2", effective_on=dt.date(2026, 4, 1))
    html = client.get("/privacidad/").content.decode()
    assert "RNPDP-PJP N.° 12345" in html


@pytest.mark.django_db
def test_r_p1_the_notice_is_recorded_as_given_when_the_profile_is_created(client, settings):
    settings.PRIVACY_CONSENT_PROMPT = False
    administrator = UserFactory(roles=[Role.GENERAL_ADMINISTRATOR], is_staff=True)
    newcomer = UserFactory()
    client.force_login(administrator)
    form = client.get("/admin/viaticos/travelerprofile/add/").content.decode()
    assert 'name="notice_channel"' in form and 'name="bank_account"' not in form
    data = {
        "user": newcomer.pk,
        "kind": "staff",
        "document_type": "DNI",
        "document_number": "45879632",
        "home_country": "PE",
        "entity_kind": "own",
        "bank_name": "",
    }
    refused = client.post("/admin/viaticos/travelerprofile/add/", data)
    assert (
        refused.status_code == 200
        and not NoticeAcknowledgement.objects.filter(user=newcomer).exists()
    )
    response = client.post(
        "/admin/viaticos/travelerprofile/add/", {**data, "notice_channel": "paper"}
    )
    assert response.status_code == 302
    ack = NoticeAcknowledgement.objects.get(user=newcomer)
    assert ack.channel == Channel.PAPER
    assert ack.notice == PrivacyNotice.objects.order_by("-effective_on").first()
