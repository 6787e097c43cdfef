"""R-T3, R-A8 (issue 25, finding 11): not only whole-person erasures survive a restore from a
backup taken before them: a retention purge of one category of a person's data, the purge of an
ARCO requester's identity copies and a dependant removed at the traveler's request are logged
outside the database too, and `replay_erasures` (run by scripts/restore.sh) erases them again.
Each test erases, puts the old rows back as a restore would, replays, and finds them gone."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from privacy.erasures import erasures_replay
from privacy.models import ArcoAttachment, ArcoRequest, RelationshipEnd, RetentionAction
from tests.privacy.helpers import file_on, verify_identity
from viaticos.models import Dependant

pytestmark = pytest.mark.django_db


def _log() -> list[dict]:
    path = Path(settings.PRIVACY_ERASURE_LOG)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _replay() -> str:
    out = StringIO()
    call_command("replay_erasures", stdout=out)
    return out.getvalue()


def _add_child(client, user):
    client.force_login(user)
    data = {
        "relationship": "child",
        "full_name": "Ana Quispe",
        "birth_date": "2020-05-01",
        "guardian_consent": "on",
    }
    assert client.post("/cuenta/dependientes/", data).status_code == 302
    return Dependant.objects.get(traveler=user)


def _restore(row) -> None:
    """What a restore from the older backup does: the row is back, with its primary key."""
    type(row).objects.bulk_create([row])


def test_a_retention_purge_of_one_category_is_replayed_after_a_restore(
    client, traveler, django_capture_on_commit_callbacks
):
    child = _add_child(client, traveler)
    RelationshipEnd.objects.create(user=traveler, ended_on=dt.date(2026, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--date", "2026-04-01", stdout=StringIO())
    assert not Dependant.objects.filter(pk=child.pk).exists()
    [entry] = [e for e in _log() if e.get("category") == "viaticos.dependants"]
    assert entry["key"] == f"viaticos.dependant:{child.pk}" and entry["action"] == "delete"
    assert "Ana" not in json.dumps(_log())  # ids and keys only, no personal data
    # The backup predates the purge: the dependant and the retention log as they were then.
    _restore(child)
    RetentionAction.objects.filter(record_key=entry["key"]).delete()
    out = _replay()
    assert not Dependant.objects.filter(pk=child.pk).exists()
    assert f"viaticos.dependant:{child.pk} (records)" in out
    replayed = RetentionAction.objects.get(record_key=entry["key"])
    assert replayed.detail.startswith("replayed after a restore")
    assert erasures_replay() == []  # idempotent


def test_a_backup_taken_after_the_purge_is_left_as_it_is(
    client, traveler, django_capture_on_commit_callbacks
):
    child = _add_child(client, traveler)
    RelationshipEnd.objects.create(user=traveler, ended_on=dt.date(2026, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--date", "2026-04-01", stdout=StringIO())
    assert not Dependant.objects.filter(pk=child.pk).exists()
    assert erasures_replay() == []  # the database's own retention log shows it done


def test_the_purge_of_an_arco_requesters_identity_copies_is_replayed_after_a_restore(
    api_client, monkeypatch, privacy_officer, settings, django_capture_on_commit_callbacks
):
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30)).json()["tracking_code"]
    req = ArcoRequest.objects.get(tracking_code=code)
    copy = req.attachments.get(kind=ArcoAttachment.Kind.IDENTITY)
    content = (settings.MEDIA_ROOT / copy.storage_name).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        verify_identity(req, privacy_officer)
    assert not req.attachments.filter(kind=ArcoAttachment.Kind.IDENTITY).exists()
    assert not (settings.MEDIA_ROOT / copy.storage_name).exists()
    assert {"scope": "identity_copies", "request": req.pk}.items() <= _log()[-1].items()
    # The restore brings back the row and the file.
    _restore(copy)
    (settings.MEDIA_ROOT / copy.storage_name).write_bytes(content)
    with django_capture_on_commit_callbacks(execute=True):
        out = _replay()
    assert f"privacy.arcorequest:{req.pk} (identity_copies)" in out
    assert not req.attachments.filter(kind=ArcoAttachment.Kind.IDENTITY).exists()
    assert not (settings.MEDIA_ROOT / copy.storage_name).exists()
    req.refresh_from_db()
    assert req.identity_verified_at is not None  # the fact of the verification stays
    assert erasures_replay() == []


def test_a_dependant_removed_by_the_traveler_stays_removed_after_a_restore(
    client, traveler, django_capture_on_commit_callbacks
):
    child = _add_child(client, traveler)
    history = list(Dependant.history.filter(id=child.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/cuenta/dependientes/{child.pk}/quitar/").status_code == 302
    assert not Dependant.objects.filter(pk=child.pk).exists()
    assert _log()[-1]["scope"] == "deleted" and _log()[-1]["pk"] == child.pk
    _restore(child)
    Dependant.history.bulk_create(history)
    out = _replay()
    assert f"viaticos.dependant:{child.pk} (deleted)" in out
    assert not Dependant.objects.filter(pk=child.pk).exists()
    assert not Dependant.history.filter(id=child.pk).exists()
    assert erasures_replay() == []


def test_a_dry_run_changes_nothing(client, traveler, django_capture_on_commit_callbacks):
    child = _add_child(client, traveler)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cuenta/dependientes/{child.pk}/quitar/")
    _restore(child)
    out = StringIO()
    call_command("replay_erasures", "--dry-run", stdout=out)
    assert "[dry run]" in out.getvalue() and Dependant.objects.filter(pk=child.pk).exists()


def test_a_cancelacion_of_specific_data_erases_only_it_and_is_replayed_after_a_restore(
    client,
    api_client,
    monkeypatch,
    privacy_officer,
    traveler,
    django_capture_on_commit_callbacks,
):
    from privacy import clock
    from privacy.models import NoticeAcknowledgement, PrivacyNotice
    from tests.privacy.helpers import link_verified

    child = _add_child(client, traveler)
    client.force_login(traveler)
    data = {
        "relationship": "spouse",
        "full_name": "Luis Rojas",
        "birth_date": "1985-02-02",
        "email": "luis@example.org",
    }
    assert client.post("/cuenta/dependientes/", data).status_code == 302
    spouse = Dependant.objects.get(traveler=traveler, relationship="spouse")
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30), right="cancelacion")
    req = ArcoRequest.objects.get(tracking_code=code.json()["tracking_code"])
    link_verified(req, privacy_officer, traveler)
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 4, 1))
    page = client.get(f"/privacidad/solicitudes/{req.pk}/").content.decode()
    assert "Ana Quispe" in page and 'name="dependants"' in page
    url = f"/privacidad/solicitudes/{req.pk}/cancel/"
    refused = client.post(url, {"scope": "dependants"}, follow=True)  # none checked
    assert "Elija los dependientes" in refused.content.decode()
    assert Dependant.objects.filter(traveler=traveler).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"scope": "dependants", "dependants": [child.pk]})
    assert done.status_code == 302
    assert not Dependant.objects.filter(pk=child.pk).exists()
    assert not Dependant.history.filter(id=child.pk).exists()
    assert Dependant.objects.filter(pk=spouse.pk).exists()  # only what was asked
    traveler.refresh_from_db()
    assert traveler.first_name and traveler.is_active  # the rest of the person's data stays
    req.refresh_from_db()
    assert "Ana Quispe" in req.response_text and "Suprimidos" in req.response_text
    assert {"scope": "deleted", "model": "viaticos.dependant", "pk": child.pk}.items() <= (
        _log()[-1].items()
    )
    _restore(child)
    assert "(deleted)" in _replay()
    assert not Dependant.objects.filter(pk=child.pk).exists()
    assert Dependant.objects.filter(pk=spouse.pk).exists()
