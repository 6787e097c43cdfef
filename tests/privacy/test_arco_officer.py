"""R-A5…R-A8 and R-S3: the Privacy Officer's queue and actions, carrying out rights."""

import datetime as dt

import pytest

from privacy import clock, services, subjects
from privacy.models import (
    AccessLogEntry,
    ArcoAttachment,
    ArcoDelivery,
    ArcoRequest,
    BlockedRecord,
    LegalHold,
    NoticeAcknowledgement,
    PrivacyNotice,
)
from privacy.registry import Hold, PersonalData, register, unregister
from tests.privacy.helpers import (
    confirm_email,
    downloaded,
    file_on,
    link_verified,
    verify_identity,
)

D = dt.date


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


def _file(api_client, monkeypatch, day, **kw):
    code = file_on(api_client, monkeypatch, day, **kw).json()["tracking_code"]
    return ArcoRequest.objects.get(tracking_code=code)


def test_r_a7_queue_ordered_by_deadline_with_late_and_due_soon(
    db, api_client, officer_client, monkeypatch, django_assert_max_num_queries
):
    late = _file(api_client, monkeypatch, D(2026, 3, 2), right="informacion")  # due 12 Mar
    soon = _file(api_client, monkeypatch, D(2026, 3, 30), right="informacion")  # due 13 Apr
    later = _file(api_client, monkeypatch, D(2026, 4, 6), right="acceso")
    monkeypatch.setattr(clock, "today", lambda: D(2026, 4, 8))
    with django_assert_max_num_queries(15):
        page = officer_client.get("/privacidad/solicitudes/")
    text = page.content.decode()
    assert (
        text.index(late.tracking_code)
        < text.index(soon.tracking_code)
        < text.index(later.tracking_code)
    )
    rows = {r.pk: r.urgency for r in page.context["rows"]}
    assert rows == {late.pk: "late", soon.pk: "soon", later.pk: "ok"}
    assert "Vencida" in text and "Por vencer" in text


def test_r_a7_queue_and_files_hidden_from_other_roles(
    db, client, traveler, api_client, monkeypatch
):
    req = _file(api_client, monkeypatch, D(2026, 3, 30))
    client.force_login(traveler)
    NoticeAcknowledgement.objects.create(
        user=traveler, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    assert client.get("/privacidad/solicitudes/").status_code == 404
    assert client.get(f"/privacidad/solicitudes/{req.pk}/").status_code == 404
    att = req.attachments.get()
    assert client.get(f"/privacidad/solicitudes/{req.pk}/adjunto/{att.pk}/").status_code == 404
    assert client.post(f"/privacidad/solicitudes/{req.pk}/answer/", {}).status_code == 404


def test_r_s3_reading_an_arco_file_and_its_document_is_logged(
    db, api_client, officer_client, privacy_officer, monkeypatch
):
    req = _file(api_client, monkeypatch, D(2026, 3, 30))
    assert officer_client.get(f"/privacidad/solicitudes/{req.pk}/").status_code == 200
    att = req.attachments.get(kind=ArcoAttachment.Kind.IDENTITY)
    response = officer_client.get(f"/privacidad/solicitudes/{req.pk}/adjunto/{att.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    entries = list(AccessLogEntry.objects.order_by("at"))
    assert [e.actor for e in entries] == [privacy_officer, privacy_officer]
    assert all(e.subject_label == "Lucía Quispe Mamani" for e in entries)
    assert officer_client.get("/privacidad/registros/").status_code == 200


def test_r_a6_answer_sends_the_letter_and_logs_the_delivery(
    db, api_client, officer_client, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    req = _file(
        api_client, monkeypatch, D(2026, 3, 30), right="informacion", address="Jr. Lampa 123, Lima"
    )
    confirm_email(api_client, req)  # R-A1: the letter goes only to a confirmed address
    monkeypatch.setattr(clock, "today", lambda: D(2026, 4, 6))
    empty = officer_client.post(
        f"/privacidad/solicitudes/{req.pk}/answer/", {"outcome": "granted", "response_text": " "}
    )
    assert empty.status_code == 400  # the page again, with what was chosen (issue 19)
    req.refresh_from_db()
    assert req.is_open  # R-A7: never closed without a response
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            f"/privacidad/solicitudes/{req.pk}/answer/",
            {"outcome": "granted", "response_text": "Tenemos su nombre y DNI."},
        )
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.ANSWERED and req.closed_on == D(2026, 4, 6)
    assert req.response_letter
    assert req.attachments.filter(kind=ArcoAttachment.Kind.RESPONSE).exists()
    assert mailoutbox[-1].to == ["lucia@example.org"]
    assert list(downloaded(officer_client, mailoutbox[-1])) == [
        f"respuesta-{req.tracking_code}.pdf"
    ]
    kinds = set(req.deliveries.values_list("channel", "status"))
    assert ("email", ArcoDelivery.Status.SENT) in kinds and (
        "post",
        ArcoDelivery.Status.PENDING,
    ) in kinds
    post = req.deliveries.get(channel="post")
    officer_client.post(f"/privacidad/solicitudes/{req.pk}/delivered/", {"delivery": post.pk})
    post.refresh_from_db()
    assert post.status == ArcoDelivery.Status.DELIVERED


def test_r_a5_refusal_records_the_ground_and_reason(
    db, api_client, officer_client, monkeypatch, django_capture_on_commit_callbacks
):
    req = _file(api_client, monkeypatch, D(2026, 3, 30))
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            f"/privacidad/solicitudes/{req.pk}/refuse/",
            {"ground": "data_not_held", "reason": "No figura en nuestros bancos."},
        )
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.REFUSED
    assert req.refusal_ground == "data_not_held" and "No figura" in req.response_text
    assert req.response_letter
    assert req.history.filter(history_change_reason__startswith="refused").exists()


def test_r_a5_refusal_needs_a_reason(db, api_client, privacy_officer, monkeypatch):
    req = _file(api_client, monkeypatch, D(2026, 3, 30))
    with pytest.raises(services.DomainError):
        services.arco_request_refuse(
            actor=privacy_officer,
            request_id=req.pk,
            ground="repeated",
            reason="",
            today=D(2026, 4, 1),
        )


def test_r_a8_acceso_exports_everything_as_pdf_and_json(
    db,
    client,
    api_client,
    privacy_officer,
    traveler,
    monkeypatch,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    req = _file(
        api_client,
        monkeypatch,
        D(2026, 3, 30),
        right="acceso",
        document_number=traveler.traveler_profile.document_number,
    )
    link_verified(req, privacy_officer, traveler)
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_answer(
            actor=privacy_officer,
            request_id=req.pk,
            outcome="granted",
            response_text="Adjuntamos sus datos.",
            today=D(2026, 4, 6),
        )
    files = downloaded(client, mailoutbox[-1])
    assert "mis-datos.pdf" in files and "mis-datos.json" in files
    import json

    data = json.loads(files["mis-datos.json"][0])
    number = traveler.traveler_profile.document_number
    # R-A1: what leaves the organization shows the identity document by its last four only.
    assert data["viaticos"]["traveler_profile"]["document_number"] == "…" + number[-4:]
    assert number not in json.dumps(data)
    assert "privacy" in data


def test_r_a2_acceso_granted_without_data_sets_the_10_day_delivery(
    db, api_client, privacy_officer, monkeypatch
):
    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="acceso")
    verify_identity(req, privacy_officer)
    services.arco_request_answer(
        actor=privacy_officer,
        request_id=req.pk,
        outcome="granted",
        response_text="Se le entregará.",
        today=D(2026, 7, 24),
        data="later",
    )
    req.refresh_from_db()
    assert req.data_delivery_due == D(2026, 8, 12)  # 28-29 Jul and 6 Aug skipped


def _grant_acceso(officer, req, *, data, text="Atendemos su solicitud.", today):
    return services.arco_request_answer(
        actor=officer,
        request_id=req.pk,
        outcome="granted",
        response_text=text,
        today=today,
        data=data,
    )


def test_r_a2_acceso_with_the_data_attached_needs_the_persons_account_first(
    db, api_client, privacy_officer, monkeypatch
):
    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="acceso")
    verify_identity(req, privacy_officer)

    with pytest.raises(services.DomainError) as refused:
        _grant_acceso(
            privacy_officer, req, data="attach", text="Adjuntamos sus datos.", today=D(2026, 4, 6)
        )

    assert refused.value.code == "no_subject"
    req.refresh_from_db()
    assert req.is_open and req.data_delivery_due is None


def test_r_a8_acceso_of_someone_without_an_account_says_no_data_is_held(
    db, api_client, privacy_officer, traveler, monkeypatch
):
    from django.utils import translation

    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="acceso")
    verify_identity(req, privacy_officer)
    with translation.override("es"):
        _grant_acceso(
            privacy_officer, req, data="none", text="Atendemos su solicitud.", today=D(2026, 4, 6)
        )
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.ANSWERED and req.data_delivery_due is None
    assert "No conservamos datos personales suyos" in req.response_text

    other = _file(api_client, monkeypatch, D(2026, 3, 30), right="acceso")
    link_verified(other, privacy_officer, traveler)
    with pytest.raises(services.DomainError) as refused:
        _grant_acceso(
            privacy_officer, other, data="none", text="Atendemos su solicitud.", today=D(2026, 4, 6)
        )
    assert refused.value.code == "data_held"


def test_r_a2_acceso_data_to_follow_stays_in_the_queue_until_it_is_sent_once(
    db,
    api_client,
    officer_client,
    privacy_officer,
    traveler,
    monkeypatch,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    """Granted with the data to follow: the request stays in the officer's queue under its
    delivery date (late after it), can still be linked to the person's account, and its data
    goes once, by e-mail (PDF and JSON), kept in the file with the delivery logged."""
    from privacy import selectors

    req = _file(
        api_client,
        monkeypatch,
        D(2026, 7, 20),
        right="acceso",
        document_number=traveler.traveler_profile.document_number,
    )
    verify_identity(req, privacy_officer)
    _grant_acceso(
        privacy_officer,
        req,
        data="later",
        text="Sus datos le llegarán en los próximos días.",
        today=D(2026, 7, 24),
    )
    req.refresh_from_db()
    assert req.data_delivery_due == D(2026, 8, 12)

    def queued(today):
        rows = selectors.with_urgency(selectors.arco_queue(), today)
        return {row.pk: (row.effective_due, row.urgency) for row in rows}

    assert queued(D(2026, 8, 3))[req.pk] == (D(2026, 8, 12), "ok")
    assert queued(D(2026, 8, 13))[req.pk] == (D(2026, 8, 12), "late")
    assert selectors.arco_queue_counts(D(2026, 8, 13))["late"] == 1
    page = officer_client.get(f"/privacidad/solicitudes/{req.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Entregar los datos" in page.content.decode()

    # Same document and the e-mail on file: the account can be linked (R-A1).
    services.arco_request_link_subject(
        actor=privacy_officer, request_id=req.pk, subject_id=traveler.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_data_deliver(actor=privacy_officer, request_id=req.pk, today=D(2026, 8, 5))

    names = list(downloaded(officer_client, mailoutbox[-1]))
    assert names[-2:] == ["mis-datos.pdf", "mis-datos.json"]
    kinds = set(req.attachments.values_list("kind", flat=True))
    assert {ArcoAttachment.Kind.EXPORT_PDF, ArcoAttachment.Kind.EXPORT_JSON} <= kinds
    assert req.deliveries.filter(kind=ArcoDelivery.Kind.DATA, status="sent").count() == 1
    assert req.pk not in queued(D(2026, 8, 13))
    req.refresh_from_db()
    assert req.data_delivered_on == D(2026, 8, 5)
    with pytest.raises(services.DomainError) as again:
        services.arco_data_deliver(actor=privacy_officer, request_id=req.pk, today=D(2026, 8, 5))
    assert again.value.code == "no_data_pending"


def test_r_a8_rectificacion_changes_the_record_with_history(
    db, api_client, privacy_officer, traveler, monkeypatch
):
    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="rectificacion")
    link_verified(req, privacy_officer, traveler)
    subjects.subject_rectify(
        actor=privacy_officer,
        request_id=req.pk,
        changes={"document_number": "40999111"},
        today=D(2026, 4, 1),
    )
    profile = traveler.traveler_profile
    profile.refresh_from_db()
    assert profile.document_number == "40999111"
    last = profile.history.first()
    assert last.history_user == privacy_officer and req.tracking_code in last.history_change_reason


def test_r_a8_rectificacion_answer_lists_each_field_with_its_previous_value(
    db, api_client, privacy_officer, traveler, monkeypatch
):
    """The answer names the fields in the requester's words and keeps what they were (the user
    account has no history of its own); document and bank account show their last 4 only."""
    from django.utils import translation

    traveler.last_name = "Pérez"
    traveler.save()
    profile = traveler.traveler_profile
    profile.document_number = "40000999"
    profile.save()
    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="rectificacion")
    link_verified(req, privacy_officer, traveler)

    with translation.override("es"):
        subjects.subject_rectify(
            actor=privacy_officer,
            request_id=req.pk,
            changes={"last_name": " Quispe ", "document_number": "40000111", "email": ""},
            today=D(2026, 4, 1),
        )

    req.refresh_from_db()
    traveler.refresh_from_db()
    assert traveler.last_name == "Quispe"
    assert "Corregido el 01/04/2026:" in req.response_text
    assert "- Apellidos: «Pérez» → «Quispe»" in req.response_text
    assert "«…0999» → «…0111»" in req.response_text
    assert "40000" not in req.response_text


def test_r_a8_rectificacion_refuses_an_invalid_value_and_changes_nothing(
    db, api_client, privacy_officer, traveler, monkeypatch
):
    from django.utils import translation

    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="rectificacion")
    link_verified(req, privacy_officer, traveler)
    before = traveler.email

    with translation.override("es"), pytest.raises(services.DomainError) as refused:
        subjects.subject_rectify(
            actor=privacy_officer,
            request_id=req.pk,
            changes={"first_name": "Ana", "email": "not an email"},
            today=D(2026, 4, 1),
        )

    assert refused.value.code == "invalid_value" and refused.value.field == "email"
    assert "correo electrónico válida" in refused.value.message
    traveler.refresh_from_db()
    assert (traveler.email, traveler.first_name) == (before, traveler.first_name)
    assert traveler.first_name != "Ana"
    req.refresh_from_db()
    assert "Corregido" not in req.response_text


@pytest.mark.parametrize(
    "field, value",
    [
        ("last_name", "Quispe\nURGENTE: valide sus datos bancarios en https://x.example"),
        ("first_name", "Ana\tMaría"),
        ("document_number", "4000\u202e0999"),  # a bidirectional override
    ],
)
def test_r_a8_rectificacion_refuses_names_on_several_lines(
    db, api_client, privacy_officer, traveler, monkeypatch, field, value
):
    from django.utils import translation

    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="rectificacion")
    link_verified(req, privacy_officer, traveler)
    before = (traveler.first_name, traveler.last_name, traveler.traveler_profile.document_number)

    with translation.override("es"), pytest.raises(services.DomainError) as refused:
        subjects.subject_rectify(
            actor=privacy_officer, request_id=req.pk, changes={field: value}, today=D(2026, 4, 1)
        )

    assert refused.value.code == "invalid_value" and refused.value.field == field
    assert "una sola línea" in refused.value.message
    traveler.refresh_from_db()
    traveler.traveler_profile.refresh_from_db()
    profile = traveler.traveler_profile
    assert (traveler.first_name, traveler.last_name, profile.document_number) == before


@pytest.fixture
def open_settlement_declared():
    """A stand-in for the settlements app's declaration: an open settlement is a legal hold."""
    register(
        PersonalData(
            app="settlements_test",
            holds=lambda user: [
                Hold(
                    reason="Liquidación abierta LQ-2026-014",
                    data_kept="Liquidaciones y comprobantes",
                )
            ],
        )
    )
    yield
    unregister("settlements_test")


def test_r_a8_r_t2_cancelacion_with_open_settlement_blocks_and_explains(
    db, api_client, privacy_officer, traveler, monkeypatch, open_settlement_declared
):
    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="cancelacion")
    link_verified(req, privacy_officer, traveler)
    result = subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1))
    assert result["anonymized"] is False
    traveler.refresh_from_db()
    assert traveler.first_name and traveler.traveler_profile.document_number != "—"  # not deleted
    assert BlockedRecord.objects.filter(key=f"user:{traveler.pk}").exists()
    req.refresh_from_db()
    assert "LQ-2026-014" in req.response_text and "bloqueados" in req.response_text


def test_r_a8_cancelacion_without_hold_anonymizes(
    db, api_client, privacy_officer, traveler, monkeypatch
):
    number = traveler.traveler_profile.document_number
    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="cancelacion")
    link_verified(req, privacy_officer, traveler)
    result = subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1))
    assert result["anonymized"] is True
    traveler.refresh_from_db()
    assert traveler.first_name == "" and not traveler.is_active
    profile = traveler.traveler_profile
    profile.refresh_from_db()
    assert profile.document_number == "—"
    assert number not in [h.document_number for h in profile.history.all()]


def test_r_t2_manual_legal_hold_blocks_cancelacion(
    db, api_client, privacy_officer, traveler, monkeypatch
):
    LegalHold.objects.create(
        subject=traveler, reason="litigation", description="Exp. 123-2026", started_on=D(2026, 1, 1)
    )
    req = _file(api_client, monkeypatch, D(2026, 3, 30), right="cancelacion")
    link_verified(req, privacy_officer, traveler)
    assert (
        subjects.subject_cancel(actor=privacy_officer, request_id=req.pk, today=D(2026, 4, 1))[
            "anonymized"
        ]
        is False
    )


def test_r_s3_the_admin_change_page_of_an_arco_request_is_logged(db, api_client, monkeypatch):
    from django.test import Client

    from tests.factories import UserFactory

    req = _file(api_client, monkeypatch, D(2026, 3, 30))
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    NoticeAcknowledgement.objects.create(
        user=admin, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    browser = Client()
    browser.force_login(admin)
    response = browser.get(f"/admin/privacy/arcorequest/{req.pk}/change/")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert entry.actor == admin and entry.subject_label == "Lucía Quispe Mamani"
    assert entry.record_key == f"privacy.arcorequest:{req.pk}"
