"""SPEC §5.4, R-S3: the admin masks document numbers and bank accounts by default; revealing
the document number is logged; the bank account is never edited there."""

import pytest

from privacy.models import AccessLogEntry


@pytest.fixture
def staff_client(client, privacy_officer, settings):
    settings.PRIVACY_CONSENT_PROMPT = False
    privacy_officer.is_staff = True
    privacy_officer.save()
    client.force_login(privacy_officer)
    return client


@pytest.fixture
def profile(traveler):
    profile = traveler.traveler_profile
    profile.document_number = "45879632"
    profile.bank_account = "191-2345678-0-12"
    profile.save()
    return profile


@pytest.mark.django_db
def test_admin_page_masks_document_and_bank_account(staff_client, profile):
    page = staff_client.get(f"/admin/viaticos/travelerprofile/{profile.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "45879632" not in html and "2345678" not in html
    assert "···632" in html and "···0-12" in html
    assert 'name="bank_account"' not in html and 'name="document_number"' not in html
    history = staff_client.get(f"/admin/viaticos/travelerprofile/{profile.pk}/history/")
    assert "45879632" not in history.content.decode()
    assert "2345678" not in history.content.decode()


@pytest.mark.django_db
def test_revealing_the_document_number_is_logged(staff_client, profile, privacy_officer):
    page = staff_client.get(f"/admin/viaticos/travelerprofile/{profile.pk}/change/?reveal=1")
    html = page.content.decode()
    assert "45879632" in html and "2345678" not in html
    whats = sorted(AccessLogEntry.objects.values_list("what", flat=True))
    assert len(whats) == 2 and any("revea" in w.lower() or "revel" in w.lower() for w in whats)
    assert set(AccessLogEntry.objects.values_list("actor", flat=True)) == {privacy_officer.pk}


@pytest.mark.django_db
def test_the_bank_account_cannot_be_changed_through_the_admin(client, profile, traveler, settings):
    """The General Administrator, who edits profiles, can no longer change it alone."""
    from tests.factories import UserFactory
    from viaticos.roles import Role

    settings.PRIVACY_CONSENT_PROMPT = False
    administrator = UserFactory(roles=[Role.GENERAL_ADMINISTRATOR], is_staff=True)
    client.force_login(administrator)
    url = f"/admin/viaticos/travelerprofile/{profile.pk}/change/?reveal=1"
    response = client.post(
        url,
        {
            "user": traveler.pk,
            "kind": "staff",
            "document_type": "DNI",
            "document_number": "45879632",
            "home_country": "PE",
            "entity_kind": "own",
            "bank_name": "BCP",
            "bank_account": "999-attacker",
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.bank_account == "191-2345678-0-12"
