"""R-S3: staff reads of identity numbers and files are logged (the owner's own are not); the
admin shows missions, settlements, deadlines and sanctions read-only (the Auditor reads all)."""

import datetime as dt

import pytest
from django.urls import reverse

from deadlines import sanctions
from privacy.models import AccessLogEntry
from settlements import services as settlement_services

D = dt.date


@pytest.fixture
def received(submitted, accounting_assistant, django_capture_on_commit_callbacks):
    settlement = submitted()
    with django_capture_on_commit_callbacks(execute=True):  # the stamping run, in-process
        settlement_services.settlement_receive(
            actor=accounting_assistant, settlement=settlement, today=D(2026, 3, 9)
        )
    settlement.refresh_from_db()
    return settlement


def test_r_s3_staff_reading_a_settlement_file_is_logged_once(
    client, received, accountant, traveler
):
    document = received.documents.filter(kind="receipt").get()
    client.force_login(accountant)
    response = client.get(reverse("settlements:document", args=[document.pk]) + "?stamped=1")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert entry.actor == accountant and entry.subject == traveler
    assert received.code in entry.what
    assert entry.record_key == f"settlements.document:{document.pk}"


def test_r_s3_the_owner_reading_their_own_file_is_not_logged(client, received, traveler):
    document = received.documents.first()
    client.force_login(traveler)
    assert client.get(reverse("settlements:document", args=[document.pk])).status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_r_s3_stamped_bundle_read_by_staff_is_one_entry(client, received, auditor, traveler):
    client.force_login(auditor)
    response = client.get(reverse("settlements:bundle", args=[received.pk]))
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(actor=auditor, subject=traveler).count() == 1


def test_r_s3_mission_order_with_the_identity_number_is_logged_for_staff_only(
    client, authorized_mission, traveler, executive_secretary, monkeypatch
):
    from missions import views

    monkeypatch.setattr(views, "render_pdf", lambda *a, **k: b"%PDF-1.4 fake")
    mission = authorized_mission()
    url = reverse("missions:order-pdf", args=[mission.pk])
    client.force_login(traveler)
    assert client.get(url).status_code == 200
    assert not AccessLogEntry.objects.exists()
    client.force_login(executive_secretary)
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.get()
    assert entry.actor == executive_secretary and entry.subject == traveler
    assert mission.code in entry.what


# --- admin: read-only, every changelist open to the Auditor ---


ADMIN_MODELS = [
    "missions/mission",
    "missions/advance",
    "missions/missionevent",
    "missions/projectspend",
    "missions/destinationspend",
    "settlements/settlement",
    "settlements/receipt",
    "settlements/document",
    "settlements/settlementevent",
    "deadlines/deadlinereminder",
    "deadlines/documentationrequirement",
    "deadlines/sanction",
    "deadlines/payrollexport",
    "deadlines/payrolldeductionorder",
]


@pytest.fixture
def staff_auditor(auditor):
    auditor.is_staff = True
    auditor.save(update_fields=["is_staff"])
    return auditor


def test_auditor_opens_every_missions_and_settlements_changelist(
    client, staff_auditor, received, accountant, django_assert_max_num_queries
):
    sanctions.sanction_propose(
        actor=accountant,
        kind="altered_documents",
        person=received.mission.traveler,
        mission=received.mission,
        advance=None,
        amount=None,
        reason="Comprobante alterado",
        today=D(2026, 4, 1),
    )
    client.force_login(staff_auditor)
    for model in ADMIN_MODELS:
        with django_assert_max_num_queries(20):
            response = client.get(f"/admin/{model}/")
        assert response.status_code == 200, model
        assert b"addlink" not in response.content, model
        assert client.get(f"/admin/{model}/?q=a").status_code == 200, model


def test_auditor_reads_but_cannot_change_business_records(
    client, staff_auditor, received, accountant
):
    sanction = sanctions.sanction_propose(
        actor=accountant,
        kind="altered_documents",
        person=received.mission.traveler,
        mission=received.mission,
        advance=None,
        amount=None,
        reason="Comprobante alterado",
        today=D(2026, 4, 1),
    )
    objects = {
        "missions/mission": received.mission.pk,
        "missions/advance": received.advance.pk,
        "settlements/settlement": received.pk,
        "settlements/receipt": received.receipts.first().pk,
        "settlements/document": received.documents.first().pk,
        "deadlines/sanction": sanction.pk,
    }
    client.force_login(staff_auditor)
    for model, pk in objects.items():
        url = f"/admin/{model}/{pk}/change/"
        page = client.get(url)
        assert page.status_code == 200, model
        assert b'name="_save"' not in page.content, model
        assert client.post(url, {"status": "closed"}).status_code == 403, model
        assert client.post(f"/admin/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/missions/mission/add/", {}).status_code == 403
    received.refresh_from_db()
    assert received.status == "received"


def test_even_a_superuser_cannot_change_settlements_in_the_admin(client, received):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    url = f"/admin/settlements/settlement/{received.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "closed"}).status_code == 403


def test_the_admin_lists_one_travelers_settlements(client, submitted, traveler, other_traveler):
    from tests.factories import UserFactory

    mine, theirs = submitted(traveler), submitted(other_traveler)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/settlements/settlement/?mission__traveler__id__exact={traveler.pk}")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [mine] and theirs.pk != mine.pk


def test_reference_data_stays_editable_for_finance(client, finance_director, seed_rates):
    finance_director.is_staff = True
    finance_director.save(update_fields=["is_staff"])
    client.force_login(finance_director)
    page = client.get("/admin/missions/destination/")
    assert page.status_code == 200 and b"addlink" in page.content
