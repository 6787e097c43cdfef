"""R-3.16, R-P4: dependants (spouse, children) are records of their own with a legal basis;
a child under 14 needs the traveler's consent as guardian; an adult is informed directly;
they are exported and anonymized with the traveler; a setting turns collection off."""

import datetime as dt

import pytest

from privacy.declarations import _viaticos_export, anonymize_user
from viaticos import dependants
from viaticos.errors import DomainError
from viaticos.models import Dependant, OutboxMessage

TODAY = dt.date(2026, 3, 3)


@pytest.mark.django_db
def test_r_p4_a_child_under_14_needs_the_guardians_consent(client, traveler):
    client.force_login(traveler)
    data = {"relationship": "child", "full_name": "Ana Quispe", "birth_date": "2020-05-01"}
    refused = client.post("/cuenta/dependientes/", data)
    assert refused.status_code == 400 and "padre" in refused.content.decode()
    assert not Dependant.objects.exists()
    assert (
        client.post("/cuenta/dependientes/", {**data, "guardian_consent": "on"}).status_code == 302
    )
    child = Dependant.objects.get()
    assert child.legal_basis == Dependant.LegalBasis.GUARDIAN_CONSENT
    assert child.guardian_consent_at is not None and child.informed_at is None
    assert not OutboxMessage.objects.filter(kind="dependant_informed").exists()


@pytest.mark.django_db
def test_r_p4_an_adult_spouse_is_informed_directly_not_consented_for(client, traveler):
    client.force_login(traveler)
    data = {"relationship": "spouse", "full_name": "Luis Rojas", "birth_date": "1985-02-02"}
    assert client.post("/cuenta/dependientes/", data).status_code == 400  # no own address
    response = client.post("/cuenta/dependientes/", {**data, "email": "luis@example.org"})
    assert response.status_code == 302
    spouse = Dependant.objects.get()
    assert spouse.legal_basis == Dependant.LegalBasis.CONTRACT and spouse.informed_at
    message = OutboxMessage.objects.get(kind="dependant_informed")
    assert message.to == ["luis@example.org"] and "/privacidad/" in message.body
    page = client.get("/cuenta/dependientes/").content.decode()
    assert "Luis Rojas" in page


@pytest.mark.django_db
def test_r_p4_dependants_are_exported_and_go_with_the_travelers_anonymization(traveler):
    dependants.dependant_add(
        actor=traveler,
        relationship="child",
        full_name="Ana",
        birth_date=dt.date(2020, 1, 1),
        guardian_consent=True,
        today=TODAY,
    )
    exported = _viaticos_export(traveler)["dependants"]
    assert exported[0]["full_name"] == "Ana" and exported[0]["legal_basis"] == "guardian_consent"
    anonymize_user(traveler)
    assert not Dependant.objects.exists() and not Dependant.history.exists()


@pytest.mark.django_db
def test_r_p4_a_traveler_removes_only_their_own(client, traveler, other_traveler):
    child = dependants.dependant_add(
        actor=traveler,
        relationship="child",
        full_name="Ana",
        birth_date=dt.date(2020, 1, 1),
        guardian_consent=True,
        today=TODAY,
    )
    client.force_login(other_traveler)
    client.post(f"/cuenta/dependientes/{child.pk}/quitar/")
    assert Dependant.objects.filter(pk=child.pk).exists()
    client.force_login(traveler)
    client.post(f"/cuenta/dependientes/{child.pk}/quitar/")
    assert not Dependant.objects.exists() and not Dependant.history.exists()


@pytest.mark.django_db
def test_r_p4_without_repatriation_nothing_is_collected_nor_consent_asked(
    client, traveler, settings
):
    settings.VIATICOS_PAYS_REPATRIATION = False
    client.force_login(traveler)
    page = client.get("/cuenta/dependientes/").content.decode()
    assert 'name="guardian_consent"' not in page
    with pytest.raises(DomainError):
        dependants.dependant_add(
            actor=traveler,
            relationship="child",
            full_name="Ana",
            birth_date=dt.date(2020, 1, 1),
            guardian_consent=True,
            today=TODAY,
        )


@pytest.mark.django_db
def test_r_p4_without_repatriation_the_consent_prompt_asks_nothing_about_dependants(
    client, traveler, settings
):
    from privacy.models import Purpose

    deps = Purpose.objects.get(code="dependientes")
    settings.PRIVACY_CONSENT_PROMPT = True
    client.force_login(traveler)
    assert f'name="purpose-{deps.pk}"' in client.get("/privacidad/consentimiento/").content.decode()
    settings.VIATICOS_PAYS_REPATRIATION = False
    page = client.get("/privacidad/consentimiento/").content.decode()
    assert f'name="purpose-{deps.pk}"' not in page and deps.name_es not in page
    comms = Purpose.objects.get(code="comunicaciones")
    response = client.post(
        "/privacidad/consentimiento/", {f"purpose-{comms.pk}": "no", "next": "/"}
    )
    assert response.status_code == 302  # the other purposes answered: nothing more is asked
