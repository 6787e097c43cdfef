"""R-T2: a person whose cancelación is held by a legal hold is blocked, and blocking is
enforced: no sign-in, hidden from lists, pages, the API and the admin; read only for the hold's
purpose (accounting settling the open settlement), each read logged."""

import datetime as dt

import pytest

from privacy import subjects
from privacy.models import AccessLogEntry, ArcoRequest
from tests.factories import PASSWORD, UserFactory
from tests.privacy.helpers import file_on, link_verified
from tests.settlements.conftest import (  # noqa: F401  (fixtures)
    _media,
    authorized_mission,
    disbursed_advance,
    draft,
    make_mission,
    organization,
    project,
    receipt_fields,
    returned_mission,
    signed_advance,
    submitted,
)
from viaticos.people import is_blocked_person
from viaticos.roles import Role

D = dt.date


@pytest.fixture
def blocked(api_client, monkeypatch, privacy_officer, traveler, submitted):  # noqa: F811
    """The traveler asked for cancelación while a settlement is open: blocked, not erased."""
    settlement = submitted()
    code = file_on(api_client, monkeypatch, D(2026, 3, 30), right="cancelacion").json()[
        "tracking_code"
    ]
    req = ArcoRequest.objects.get(tracking_code=code)
    link_verified(req, privacy_officer, traveler)
    result = subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1))
    assert result["anonymized"] is False and is_blocked_person(traveler)
    req.refresh_from_db()
    return settlement, req


def test_r_t2_blocked_person_cannot_sign_in_and_is_told_why(client, traveler, blocked):
    response = client.post(
        "/cuenta/ingresar/", {"username": traveler.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "bloqueados" in response.content.decode()


def test_r_t2_wrong_password_of_a_blocked_account_reveals_nothing(client, traveler, blocked):
    response = client.post("/cuenta/ingresar/", {"username": traveler.username, "password": "x"})
    assert "_auth_user_id" not in client.session
    assert "bloqueados" not in response.content.decode()


def test_r_t2_a_session_opened_before_the_block_ends(client, traveler, blocked):
    client.force_login(traveler)  # as if signed in before: the next request is anonymous
    traveler.refresh_from_db()
    assert not traveler.is_active
    assert client.get("/cuenta/").status_code == 302


def test_r_t2_blocked_person_is_not_in_the_api_lists_nor_pages(
    api_client, auditor, traveler, blocked
):
    settlement, _req = blocked
    api_client.force_authenticate(auditor)
    missions = api_client.get("/api/v1/missions/").json()
    rows = missions["results"] if isinstance(missions, dict) else missions
    assert settlement.mission.code not in str(rows)
    assert api_client.get(f"/api/v1/missions/{settlement.mission.pk}/").status_code == 404
    settlements = api_client.get("/api/v1/settlements/").json()
    assert settlement.code not in str(settlements)
    assert api_client.get(f"/api/v1/settlements/{settlement.pk}/").status_code == 404


def test_r_t2_the_holds_purpose_reads_it_and_each_read_is_logged(
    api_client, accountant, traveler, blocked
):
    settlement, _req = blocked
    api_client.force_authenticate(accountant)
    assert api_client.get(f"/api/v1/settlements/{settlement.pk}/").status_code == 200
    entry = AccessLogEntry.objects.get(actor=accountant, subject=traveler)
    assert settlement.code in entry.what


def test_r_t2_blocked_person_is_not_in_the_admin(client, traveler, blocked):
    admin = UserFactory(username="root", roles=[Role.GENERAL_ADMINISTRATOR])
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    number = traveler.traveler_profile.document_number
    users = client.get("/admin/auth/user/").content.decode()
    assert traveler.username not in users
    profiles = client.get("/admin/viaticos/travelerprofile/").content.decode()
    assert traveler.get_full_name() not in profiles
    page = client.get(f"/admin/viaticos/travelerprofile/{traveler.traveler_profile.pk}/change/")
    assert page.status_code in (302, 404) and number not in page.content.decode()


def test_r_a8_r_t2_the_letter_says_what_is_kept_why_and_who_reads_it(blocked):
    settlement, req = blocked
    assert settlement.code in req.response_text
    assert "no longer used for ordinary purposes" not in req.response_text
    assert "cannot sign in" in req.response_text or "no puede ingresar" in req.response_text


def test_r_t2_a_blocked_persons_mission_page_is_hidden_but_read_for_the_hold_logged(
    client, auditor, accountant, traveler, blocked
):
    from privacy.models import NoticeAcknowledgement, PrivacyNotice

    settlement, _req = blocked
    url = f"/misiones/{settlement.mission.pk}/"
    for user in (auditor, accountant):
        NoticeAcknowledgement.objects.create(
            user=user, notice=PrivacyNotice.objects.get(), notice_hash="x"
        )
    client.force_login(auditor)
    assert client.get(url).status_code == 404
    client.force_login(accountant)
    assert client.get(url).status_code == 200
    assert AccessLogEntry.objects.filter(
        actor=accountant, subject=traveler, what__contains=settlement.mission.code
    ).exists()
