"""R-A2, R-A3, R-A4: deadlines in Peruvian business days, extension, correction cycle."""

import datetime as dt

import pytest

from privacy import rules, services
from privacy.models import ArcoRequest
from tests.privacy.helpers import file_on
from viaticos.business_days import BusinessCalendar

D = dt.date
PE = BusinessCalendar("PE")


@pytest.mark.parametrize(
    ("right", "received", "due"),
    [
        ("acceso", D(2026, 3, 30), D(2026, 4, 29)),  # Holy Thursday and Good Friday skipped
        ("informacion", D(2026, 3, 30), D(2026, 4, 13)),
        ("rectificacion", D(2026, 3, 30), D(2026, 4, 15)),
        ("informacion", D(2026, 7, 24), D(2026, 8, 10)),  # 28-29 Jul and 6 Aug
        ("cancelacion", D(2026, 8, 27), D(2026, 9, 10)),  # 30 Aug is a Sunday anyway
        ("oposicion", D(2026, 10, 5), D(2026, 10, 20)),  # 8 Oct
        ("informacion", D(2026, 12, 4), D(2026, 12, 18)),  # 8-9 Dec
        ("acceso", D(2026, 12, 4), D(2027, 1, 7)),  # 8-9 and 25 Dec, 1 Jan
    ],
)
def test_r_a2_deadline_per_right_on_the_peruvian_calendar(right, received, due):
    assert rules.due_date(PE, right, received) == due


def test_r_a2_acceso_deadline_skips_holy_week_through_the_api(db, api_client, monkeypatch):
    response = file_on(api_client, monkeypatch, D(2026, 3, 30), right="acceso")
    assert response.status_code == 201, response.json()
    assert response.json()["due_date"] == "2026-04-29"
    assert response.json()["received_on"] == "2026-03-30"


def test_r_a2_informacion_deadline_skips_independence_days(db, api_client, monkeypatch):
    response = file_on(api_client, monkeypatch, D(2026, 7, 24), right="informacion")
    assert response.json()["due_date"] == "2026-08-10"


def test_r_a2_deadlines_run_on_peru_whatever_the_duty_station_and_its_closure_days(
    db, api_client, monkeypatch, settings
):
    """The organization's own calendar moves its settlement deadlines, not the law's: a duty
    station in Guatemala and a closure day on 27 July leave the requester's deadline as is."""
    from viaticos.models import ClosureDay

    settings.VIATICOS_DUTY_COUNTRY = "GT"
    ClosureDay.objects.create(date=D(2026, 7, 27), reason="Aniversario de la institución")

    response = file_on(api_client, monkeypatch, D(2026, 7, 24), right="informacion")

    assert response.json()["due_date"] == "2026-08-10"


def _filed(api_client, monkeypatch, day, right="rectificacion"):
    code = file_on(api_client, monkeypatch, day, right=right).json()["tracking_code"]
    return ArcoRequest.objects.get(tracking_code=code)


def test_r_a3_single_extension_of_the_same_length(db, api_client, monkeypatch, privacy_officer):
    req = _filed(api_client, monkeypatch, D(2026, 12, 4))  # due 22 Dec
    assert req.due_date == D(2026, 12, 22)
    services.arco_request_extend(
        actor=privacy_officer, request_id=req.pk, reason="Archivo en sede", today=D(2026, 12, 21)
    )
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.EXTENDED
    assert req.original_due_date == D(2026, 12, 22)
    assert (
        req.due_date == PE.add_business_days(D(2026, 12, 22), 10) == D(2027, 1, 7)
    )  # 25 Dec and 1 Jan skipped
    with pytest.raises(services.DomainError) as exc:
        services.arco_request_extend(
            actor=privacy_officer, request_id=req.pk, reason="otra vez", today=D(2026, 12, 23)
        )
    assert exc.value.code == "already_extended"


def test_r_a3_no_extension_after_the_original_deadline(
    db, api_client, monkeypatch, privacy_officer
):
    req = _filed(api_client, monkeypatch, D(2026, 12, 4))
    with pytest.raises(services.DomainError) as exc:
        services.arco_request_extend(
            actor=privacy_officer, request_id=req.pk, reason="tarde", today=D(2026, 12, 23)
        )
    assert exc.value.code == "extension_too_late"


def test_r_a3_no_extension_for_informacion(db, api_client, monkeypatch, privacy_officer):
    req = _filed(api_client, monkeypatch, D(2026, 12, 4), right="informacion")
    with pytest.raises(services.DomainError) as exc:
        services.arco_request_extend(
            actor=privacy_officer, request_id=req.pk, reason="x", today=D(2026, 12, 7)
        )
    assert exc.value.code == "extension_not_allowed"


def test_r_a3_extension_needs_a_justification(db, api_client, monkeypatch, privacy_officer):
    req = _filed(api_client, monkeypatch, D(2026, 12, 4))
    with pytest.raises(services.DomainError):
        services.arco_request_extend(
            actor=privacy_officer, request_id=req.pk, reason="  ", today=D(2026, 12, 7)
        )


def test_r_a4_correction_cycle_restarts_the_deadline(
    db,
    client,
    api_client,
    monkeypatch,
    privacy_officer,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    req = _filed(api_client, monkeypatch, D(2026, 7, 24))  # Fri
    client.force_login(privacy_officer)
    from privacy import clock

    monkeypatch.setattr(clock, "today", lambda: D(2026, 8, 4))  # 5th business day: still in time
    from privacy.models import NoticeAcknowledgement, PrivacyNotice

    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/privacidad/solicitudes/{req.pk}/observe/", {"observations": "Falta la firma."}
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.OBSERVED
    assert req.correction_due_date == D(2026, 8, 12)  # 5 business days, 6 Aug skipped
    assert "Falta la firma." in mailoutbox[-1].body
    # The requester fixes it on the public page on 10 Aug: the deadline counts again.
    client.logout()
    monkeypatch.setattr(clock, "today", lambda: D(2026, 8, 10))
    response = client.post(
        f"/privacidad/arco/seguimiento/{req.tracking_code}/", {"correction_text": "Firmado."}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.RECEIVED
    assert req.counts_from == D(2026, 8, 10)
    assert req.due_date == rules.due_date(PE, "rectificacion", D(2026, 8, 10))


def test_r_a4_observations_only_within_five_business_days(
    db, api_client, monkeypatch, privacy_officer
):
    req = _filed(api_client, monkeypatch, D(2026, 7, 24))
    with pytest.raises(services.DomainError) as exc:
        services.arco_request_observe(
            actor=privacy_officer, request_id=req.pk, observations="x", today=D(2026, 8, 5)
        )
    assert exc.value.code == "observation_window_closed"


def test_r_a4_not_corrected_in_time_is_closed_as_not_filed_with_a_letter(
    db, api_client, monkeypatch, privacy_officer, django_capture_on_commit_callbacks
):
    req = _filed(api_client, monkeypatch, D(2026, 7, 24))
    services.arco_request_observe(
        actor=privacy_officer, request_id=req.pk, observations="x", today=D(2026, 7, 27)
    )
    with pytest.raises(services.DomainError):  # too early: the requester still has time
        services.arco_request_close_not_filed(
            actor=privacy_officer, request_id=req.pk, today=D(2026, 8, 4)
        )
    with pytest.raises(services.DomainError) as exc:
        services.arco_request_correct(
            tracking_code=req.tracking_code, correction_text="tarde", today=D(2026, 8, 6 + 1)
        )
    assert exc.value.code == "correction_late"
    with django_capture_on_commit_callbacks(execute=True):
        services.arco_request_close_not_filed(
            actor=privacy_officer, request_id=req.pk, today=D(2026, 8, 7)
        )
    req.refresh_from_db()
    assert req.status == ArcoRequest.Status.NOT_FILED
    assert req.response_text and req.response_letter
