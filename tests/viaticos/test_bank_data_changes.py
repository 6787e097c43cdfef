"""SPEC §5.4, R-A1: bank data changes only by the signed-in person in Mi cuenta, shown
masked, with a second approval (General Administrator or Finance Director, never the holder)
and an alert to the holder's known address."""

import pytest

from tests.factories import UserFactory
from viaticos import bank_changes
from viaticos.errors import DomainError
from viaticos.models import BankDetailsChange, OutboxMessage
from viaticos.roles import Role


@pytest.fixture
def holder(traveler):
    profile = traveler.traveler_profile
    profile.bank_name = "BCP"
    profile.bank_account = "191-2345678-0-12"
    profile.save()
    traveler.email = "known@example.org"
    traveler.save()
    return traveler


@pytest.fixture
def administrator(db):
    return UserFactory(roles=[Role.GENERAL_ADMINISTRATOR])


@pytest.mark.django_db
def test_the_holder_sees_the_account_masked_and_asks_for_a_change(client, holder):
    client.force_login(holder)
    page = client.get("/cuenta/banco/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "···0-12" in html and "2345678" not in html
    response = client.post(
        "/cuenta/banco/", {"bank_name": "Interbank", "bank_account": "200-3001234567"}
    )
    assert response.status_code == 302
    change = BankDetailsChange.objects.get()
    assert change.status == BankDetailsChange.Status.PENDING
    holder.traveler_profile.refresh_from_db()
    assert holder.traveler_profile.bank_account == "191-2345678-0-12"  # not applied yet
    alert = OutboxMessage.objects.get(kind="bank_change_alert")
    assert alert.to == ["known@example.org"] and "···4567" in alert.body
    assert "3001234567" not in alert.body
    again = client.post("/cuenta/banco/", {"bank_name": "BBVA", "bank_account": "0011-22334455"})
    assert again.status_code == 400 and BankDetailsChange.objects.count() == 1


@pytest.mark.django_db
def test_an_invalid_account_is_refused_in_spanish_and_nothing_is_stored(client, holder):
    client.force_login(holder)
    response = client.post("/cuenta/banco/", {"bank_name": "BCP", "bank_account": "<script>"})
    assert response.status_code == 400
    assert "número de cuenta" in response.content.decode()
    assert not BankDetailsChange.objects.exists()


@pytest.mark.django_db
def test_a_second_person_approves_and_the_holder_is_alerted(client, holder, administrator):
    change = bank_changes.bank_change_request(
        actor=holder, bank_name="Interbank", bank_account="200-3001234567"
    )
    client.force_login(administrator)
    page = client.get("/cuenta/banco/aprobaciones/")
    assert page.status_code == 200 and "···4567" in page.content.decode()
    assert "3001234567" not in page.content.decode()
    response = client.post(f"/cuenta/banco/aprobaciones/{change.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    profile = holder.traveler_profile
    profile.refresh_from_db()
    assert (profile.bank_name, profile.bank_account) == ("Interbank", "200-3001234567")
    latest = profile.history.first()
    assert latest.history_user == administrator and "approved" in latest.history_change_reason
    alerts = OutboxMessage.objects.filter(kind="bank_change_alert").order_by("pk")
    assert [m.to for m in alerts] == [["known@example.org"], ["known@example.org"]]


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_changes_nothing(client, holder, administrator):
    change = bank_changes.bank_change_request(
        actor=holder, bank_name="Interbank", bank_account="200-3001234567"
    )
    client.force_login(administrator)
    client.post(f"/cuenta/banco/aprobaciones/{change.pk}/", {"decision": "reject"})
    change.refresh_from_db()
    assert change.status == BankDetailsChange.Status.PENDING
    client.post(
        f"/cuenta/banco/aprobaciones/{change.pk}/", {"decision": "reject", "note": "No la pidió"}
    )
    change.refresh_from_db()
    assert change.status == BankDetailsChange.Status.REJECTED
    holder.traveler_profile.refresh_from_db()
    assert holder.traveler_profile.bank_account == "191-2345678-0-12"


@pytest.mark.django_db
def test_nobody_approves_their_own_change(db):
    director = UserFactory(roles=[Role.FINANCE_DIRECTOR], profile=True)
    change = bank_changes.bank_change_request(
        actor=director, bank_name="Interbank", bank_account="200-3001234567"
    )
    with pytest.raises(DomainError) as refused:
        bank_changes.bank_change_decide(actor=director, change_id=change.pk, approve=True)
    assert refused.value.code == "own_bank_data"


@pytest.mark.django_db
def test_other_roles_cannot_approve(client, holder, accountant):
    change = bank_changes.bank_change_request(
        actor=holder, bank_name="Interbank", bank_account="200-3001234567"
    )
    client.force_login(accountant)
    assert client.get("/cuenta/banco/aprobaciones/").status_code == 403
    assert (
        client.post(f"/cuenta/banco/aprobaciones/{change.pk}/", {"decision": "approve"}).status_code
        == 403
    )
    change.refresh_from_db()
    assert change.status == BankDetailsChange.Status.PENDING
