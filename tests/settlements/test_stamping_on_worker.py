"""R-3.7 on the worker (issue 21): receiving a settlement starts a stamping run and answers at
once; the settlement shows "sellando n de m"; a run stamps all the documents or none (a failure
is shown on the settlement and the assistant starts it again); the task takes ids and is
idempotent. The stamped bundle and the report are built once and kept in storage, rebuilt only
when a stamp or a line changes."""

import datetime as dt
import pathlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from settlements import built as built_module
from settlements import documents, services
from settlements.models import BuiltDocument, Document, Settlement
from settlements.tasks import build_settlement_pdfs, stamp_settlement
from tests.factories import PASSWORD
from tests.settlements.conftest import receipt_fields

ST = Settlement.Stamping
DAY = dt.date(2026, 3, 9)


def stamped_on_disk() -> list[str]:
    root = pathlib.Path(default_storage.location)
    return sorted(str(p) for p in root.rglob("*-liquidado.*") if p.is_file())


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_receiving_answers_at_once_and_shows_sellando_n_de_m(
    client, submitted, accounting_assistant
):
    settlement = submitted()
    login(client, accounting_assistant)
    response = client.post(reverse("settlements:action", args=[settlement.pk, "receive"]))
    assert response.status_code == 302
    settlement.refresh_from_db()
    # Received, the run waits for the worker (after commit): nothing stamped yet.
    assert settlement.status == Settlement.Status.RECEIVED
    assert (settlement.stamping, settlement.stamping_done, settlement.stamping_total) == (
        ST.RUNNING,
        0,
        3,
    )
    assert not any(d.stamped_file for d in settlement.documents.all())
    page = client.get(reverse("settlements:review", args=[settlement.pk])).content.decode()
    assert "Sellando 0 de 3" in page
    bundle = client.get(reverse("settlements:bundle", args=[settlement.pk]), follow=True)
    assert "se están sellando (0 de 3)" in bundle.content.decode()

    # The worker runs the task (ids only).
    assert stamp_settlement.apply(args=[settlement.pk, settlement.stamping_run]).get() is True
    settlement.refresh_from_db()
    assert (settlement.stamping, settlement.stamping_done) == (ST.DONE, 3)
    assert all(d.stamped_file for d in settlement.documents.all())
    assert (
        "Sellando"
        not in client.get(reverse("settlements:review", args=[settlement.pk])).content.decode()
    )


def test_a_run_delivered_twice_stamps_once_and_a_superseded_run_links_nothing(
    submitted, accounting_assistant, accountant
):
    settlement = submitted()
    services.settlement_receive(actor=accounting_assistant, settlement=settlement, today=DAY)
    settlement.refresh_from_db()
    run = settlement.stamping_run
    assert stamp_settlement.apply(args=[settlement.pk, run]).get() is True
    linked = sorted(Document.objects.values_list("stamped_file", flat=True))
    # Delivered again (a worker killed before its acknowledgement): nothing more is done.
    assert stamp_settlement.apply(args=[settlement.pk, run]).get() is False
    assert sorted(Document.objects.values_list("stamped_file", flat=True)) == linked
    assert len(stamped_on_disk()) == 3

    # Returned, submitted and received again: the first run's id is no longer current.
    services.settlement_return(actor=accountant, settlement=settlement, reason="Falta firma")
    services.settlement_submit(actor=settlement.mission.traveler, settlement=settlement)
    services.settlement_receive(actor=accounting_assistant, settlement=settlement, today=DAY)
    assert stamp_settlement.apply(args=[settlement.pk, run]).get() is False
    assert sorted(Document.objects.values_list("stamped_file", flat=True)) == linked


def test_a_document_that_cannot_be_stamped_fails_the_run_whole_and_it_is_started_again(
    client, submitted, accounting_assistant, django_capture_on_commit_callbacks
):
    settlement = submitted(receipts=[receipt_fields(), receipt_fields()])
    last = Document.objects.filter(settlement=settlement).order_by("pk").last()
    with default_storage.open(last.file, "rb") as handle:
        good = handle.read()
    with default_storage.open(last.file, "wb") as handle:
        handle.write(b"%PDF-1.4 broken\n%%EOF")
    login(client, accounting_assistant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("settlements:action", args=[settlement.pk, "receive"]))
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.RECEIVED
    assert settlement.stamping == ST.FAILED
    assert last.original_name in settlement.stamping_error
    # Never half-stamped: no document has a copy, and no copy is left in storage.
    assert not any(d.stamped_file for d in settlement.documents.all())
    assert stamped_on_disk() == []
    page = client.get(reverse("settlements:review", args=[settlement.pk])).content.decode()
    assert "No se pudieron sellar los documentos" in page and "Sellar de nuevo" in page

    with default_storage.open(last.file, "wb") as handle:
        handle.write(good)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("settlements:action", args=[settlement.pk, "stamp_again"]))
    assert response.status_code == 302
    settlement.refresh_from_db()
    assert (settlement.stamping, settlement.stamping_error) == (ST.DONE, "")
    assert all(d.stamped_file for d in settlement.documents.all())
    assert len(stamped_on_disk()) == 4


def test_stamp_again_starts_a_run_only_after_a_failure_and_only_by_the_assistant(
    submitted, accounting_assistant, accountant
):
    from viaticos.errors import DomainError

    settlement = submitted()
    with pytest.raises(DomainError) as error:  # not received: nothing to stamp again
        services.settlement_stamp_again(
            actor=accounting_assistant, settlement=settlement, today=DAY
        )
    assert error.value.code == "wrong_state"
    services.settlement_receive(actor=accounting_assistant, settlement=settlement, today=DAY)
    settlement.refresh_from_db()
    run = settlement.stamping_run
    # The run of the reception stamps: asking again starts no second run.
    services.settlement_stamp_again(actor=accounting_assistant, settlement=settlement, today=DAY)
    settlement.refresh_from_db()
    assert (settlement.stamping, settlement.stamping_run) == (ST.RUNNING, run)
    Settlement.objects.filter(pk=settlement.pk).update(stamping=ST.FAILED)
    with pytest.raises(DomainError) as error:
        services.settlement_stamp_again(actor=accountant, settlement=settlement, today=DAY)
    assert error.value.code == "not_allowed"


def test_bundle_and_report_are_built_once_and_rebuilt_when_a_line_changes(
    client,
    submitted,
    accounting_assistant,
    accountant,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settlement = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.settlement_receive(actor=accounting_assistant, settlement=settlement, today=DAY)
    # The task built both after the run; downloads serve them from storage.
    built = dict(BuiltDocument.objects.values_list("kind", "file"))
    assert set(built) == {"bundle", "report"}
    calls = []
    for kind, real in (("bundle", documents.render_bundle), ("report", documents.render_report)):
        monkeypatch.setitem(
            built_module._BUILDERS, kind, lambda s, k=kind, f=real: calls.append(k) or f(s)
        )
    login(client, accountant)
    for _ in range(2):
        assert client.get(reverse("settlements:bundle", args=[settlement.pk])).status_code == 200
        assert client.get(reverse("settlements:report", args=[settlement.pk])).status_code == 200
    assert calls == []

    # A line decided: the report shows it and is built again; the bundle (stamps) is not.
    receipt = settlement.receipts.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
    assert calls == ["report"]
    assert client.get(reverse("settlements:report", args=[settlement.pk])).status_code == 200
    assert calls == ["report"]
    now = dict(BuiltDocument.objects.values_list("kind", "file"))
    assert now["bundle"] == built["bundle"] and now["report"] != built["report"]
    assert not default_storage.exists(built["report"])  # the stale copy is gone
    assert build_settlement_pdfs.apply(args=[settlement.pk]).get() == ["bundle", "report"]
    assert calls == ["report"]  # nothing stale: nothing built
