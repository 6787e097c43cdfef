"""R-3.7, issue 21: a stamping run that failed is started again through the API
(`POST /api/v1/settlements/{id}/stamp-again/`) as through the page's "Sellar de nuevo" button:
by the Accounting Assistant only, idempotent (a repeated request starts no second run), errors
in Spanish through the API's one exception handler."""

import pytest
from django.core.files.storage import default_storage

from settlements import services
from settlements.models import Document, Settlement, SettlementEvent
from tests.factories import UserFactory
from viaticos.roles import Role

ST = Settlement.Stamping


def url(settlement) -> str:
    return f"/api/v1/settlements/{settlement.pk}/stamp-again/"


@pytest.fixture
def failed(submitted, accounting_assistant, django_capture_on_commit_callbacks):
    """A received settlement whose stamping run failed on an unreadable document (then
    repaired in storage, so that the next run can stamp it)."""

    def make():
        settlement = submitted()
        last = Document.objects.filter(settlement=settlement).order_by("pk").last()
        with default_storage.open(last.file, "rb") as handle:
            good = handle.read()
        with default_storage.open(last.file, "wb") as handle:
            handle.write(b"%PDF-1.4 broken\n%%EOF")
        with django_capture_on_commit_callbacks(execute=True):
            services.settlement_receive(
                actor=accounting_assistant, settlement=settlement, today=settlement_day()
            )
        settlement.refresh_from_db()
        assert settlement.stamping == ST.FAILED
        with default_storage.open(last.file, "wb") as handle:
            handle.write(good)
        return settlement

    return make


def settlement_day():
    import datetime as dt

    return dt.date(2026, 3, 9)


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_the_assistant_starts_a_failed_run_again_and_every_document_is_stamped(
    failed, accounting_assistant, api_client, django_capture_on_commit_callbacks
):
    settlement = failed()
    failed_run = settlement.stamping_run
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(api_client, accounting_assistant).post(url(settlement))
    assert response.status_code == 200
    # Answered at once: the new run waits for the worker (after commit).
    assert response.json()["stamping"] == {"state": "running", "done": 0, "total": 3, "error": ""}
    settlement.refresh_from_db()
    assert settlement.stamping_run != failed_run
    assert (settlement.stamping, settlement.stamping_done) == (ST.DONE, 3)
    assert all(d.stamped_file for d in settlement.documents.all())


def test_a_repeated_request_starts_no_second_run(
    failed, accounting_assistant, api_client, django_capture_on_commit_callbacks
):
    settlement = failed()
    api = as_user(api_client, accounting_assistant)
    # The worker has not taken the new run yet when the client sends the request again.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = api.post(url(settlement))
    assert first.status_code == 200 and first.json()["stamping"]["state"] == "running"
    settlement.refresh_from_db()
    run = settlement.stamping_run
    with django_capture_on_commit_callbacks(execute=False) as again:
        second = api.post(url(settlement))
    assert second.status_code == 200 and second.json()["stamping"]["state"] == "running"
    settlement.refresh_from_db()
    assert settlement.stamping_run == run
    assert len(callbacks) == 1 and again == []  # one task published, not two
    # The reception and one restart.
    events = SettlementEvent.objects.filter(settlement=settlement, action="received")
    assert events.count() == 2

    # Done: asking again still changes nothing.
    callbacks[0]()
    settlement.refresh_from_db()
    assert settlement.stamping == ST.DONE
    stamped = sorted(Document.objects.values_list("stamped_file", flat=True))
    third = api.post(url(settlement))
    assert third.status_code == 200 and third.json()["stamping"]["state"] == "done"
    assert sorted(Document.objects.values_list("stamped_file", flat=True)) == stamped


def test_only_the_accounting_assistant_may_start_it_again_in_spanish(
    failed, accountant, api_client
):
    settlement = failed()
    response = as_user(api_client, accountant).post(url(settlement), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_allowed",
        "detail": "No puede realizar esta acción sobre esta liquidación.",
    }
    traveler = settlement.mission.traveler
    response = as_user(api_client, traveler).post(url(settlement), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    settlement.refresh_from_db()
    assert settlement.stamping == ST.FAILED


def test_someone_who_may_not_see_the_settlement_gets_404(failed, other_traveler, api_client):
    settlement = failed()
    response = as_user(api_client, other_traveler).post(url(settlement))
    assert response.status_code == 404


def test_an_assistant_never_stamps_their_own_settlement(
    submitted, accounting_assistant, api_client
):
    assistant_traveler = UserFactory(
        username="ana", roles=[Role.TRAVELER, Role.ACCOUNTING_ASSISTANT], profile=True
    )
    settlement = submitted(assistant_traveler)
    services.settlement_receive(
        actor=accounting_assistant, settlement=settlement, today=settlement_day()
    )
    Settlement.objects.filter(pk=settlement.pk).update(stamping=ST.FAILED)
    response = as_user(api_client, assistant_traveler).post(
        url(settlement), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "own_settlement"
    assert "segregación" in response.json()["detail"]


def test_a_settlement_not_received_cannot_be_stamped_again(
    submitted, accounting_assistant, api_client
):
    settlement = submitted()
    response = as_user(api_client, accounting_assistant).post(
        url(settlement), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "wrong_state"
    assert body["detail"].startswith(f"{settlement.code} no puede ser ")
    assert "Recargue la página" in body["detail"]


def test_the_review_page_shows_the_button_only_to_the_assistant(
    failed, accounting_assistant, accountant, client
):
    from django.urls import reverse

    settlement = failed()
    page = reverse("settlements:review", args=[settlement.pk])
    client.force_login(accounting_assistant)
    assert "Sellar de nuevo" in client.get(page).content.decode()
    client.force_login(accountant)
    assert "Sellar de nuevo" not in client.get(page).content.decode()
