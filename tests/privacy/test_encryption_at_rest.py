"""SPEC §5.4 security measures: identity and bank data encrypted at rest (Fernet, keys from the
environment), found by document only through a keyed hash, identity copies encrypted on disk,
keys rotated by a command."""

import datetime as dt
import importlib

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from privacy.models import ArcoAttachment, ArcoRequest, NoticeAcknowledgement, PrivacyNotice
from tests.factories import UserFactory
from tests.privacy.conftest import pdf
from tests.privacy.helpers import file_on
from viaticos import crypto
from viaticos.models import TravelerProfile
from viaticos.people import person_by_document


def _raw(table: str, column: str, pk: int, key: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def keys(settings):
    """Production-like keys from the settings (the environment), not the development ones."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.VIATICOS_FIELD_KEYS = [old]
    settings.VIATICOS_LOOKUP_KEY = "lookup-key-for-tests"
    crypto.reset_keys()
    yield {"old": old, "new": new}
    crypto.reset_keys()


def _profile(number="45879632", bank="191-2345678-0-12"):
    user = UserFactory(first_name="Lucía", last_name="Quispe")
    return TravelerProfile.objects.create(
        user=user,
        document_type="DNI",
        document_number=number,
        home_country="PE",
        bank_name="BCP",
        bank_account=bank,
    )


def test_document_number_and_bank_account_are_stored_as_ciphertext(db, keys):
    profile = _profile()
    stored_number = _raw("viaticos_travelerprofile", "document_number", profile.pk)
    stored_bank = _raw("viaticos_travelerprofile", "bank_account", profile.pk)
    assert "45879632" not in stored_number and "2345678" not in stored_bank
    assert Fernet(keys["old"]).decrypt(stored_number.encode()) == b"45879632"
    fresh = TravelerProfile.objects.get(pk=profile.pk)
    assert (fresh.document_number, fresh.bank_account) == ("45879632", "191-2345678-0-12")
    # The history keeps ciphertext too.
    history = profile.history.first()
    raw_history = _raw(
        "viaticos_historicaltravelerprofile", "document_number", history.history_id, "history_id"
    )
    assert "45879632" not in raw_history and history.document_number == "45879632"


def test_person_by_document_finds_the_person_through_the_keyed_hash(db, keys):
    profile = _profile()
    assert person_by_document("DNI", " 4587-9632 ") == profile
    assert person_by_document("PASAPORTE", "45879632") is None
    assert person_by_document("DNI", "45879633") is None
    assert person_by_document("DNI", "") is None
    digest = _raw("viaticos_travelerprofile", "document_number_hash", profile.pk)
    assert len(digest) == 64 and "45879632" not in digest


def test_an_encrypted_field_cannot_be_compared_with_a_value(db, keys):
    _profile()
    with pytest.raises(FieldError):
        list(TravelerProfile.objects.filter(document_number="45879632"))
    with pytest.raises(FieldError):
        list(TravelerProfile.objects.filter(bank_account__icontains="234"))
    assert TravelerProfile.objects.filter(bank_account="").count() == 0


def test_production_refuses_to_run_without_keys(db, settings):
    settings.VIATICOS_FIELD_KEYS = []
    crypto.reset_keys()
    try:
        with pytest.raises(Exception, match="VIATICOS_FIELD_KEYS"):
            crypto.encrypt_text("x")
    finally:
        crypto.reset_keys()


def test_anonymized_person_is_no_longer_found_by_the_old_number(db, keys):
    from privacy.declarations import anonymize_user

    profile = _profile()
    anonymize_user(profile.user)
    assert person_by_document("DNI", "45879632") is None
    assert "45879632" not in [h.document_number for h in profile.history.all()]


def test_identity_copy_is_encrypted_on_disk_and_served_decrypted_to_the_officer(
    db, keys, api_client, client, privacy_officer, monkeypatch, settings
):
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30)).json()["tracking_code"]
    req = ArcoRequest.objects.get(tracking_code=code)
    item = req.attachments.get(kind=ArcoAttachment.Kind.IDENTITY)
    on_disk = (settings.MEDIA_ROOT / item.storage_name).read_bytes()
    assert on_disk.startswith(crypto.FILE_HEADER) and b"PNG" not in on_disk
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    response = client.get(f"/privacidad/solicitudes/{req.pk}/adjunto/{item.pk}/")
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")


def test_rotation_re_encrypts_with_the_new_key_so_the_old_one_can_go(
    db, keys, settings, api_client, monkeypatch
):
    profile = _profile()
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30)).json()["tracking_code"]
    item = ArcoRequest.objects.get(tracking_code=code).attachments.get(kind="identity")
    settings.VIATICOS_FIELD_KEYS = [keys["new"], keys["old"]]
    settings.VIATICOS_LOOKUP_KEY = "a-new-lookup-key"
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.VIATICOS_FIELD_KEYS = [keys["new"]]  # the old key removed
    crypto.reset_keys()
    fresh = TravelerProfile.objects.get(pk=profile.pk)
    assert fresh.document_number == "45879632" and fresh.bank_account == "191-2345678-0-12"
    assert profile.history.first().document_number == "45879632"
    assert person_by_document("DNI", "45879632") == profile
    assert crypto.read_bytes(item.storage_name).startswith(b"\x89PNG")


def test_data_migration_encrypts_plain_rows_and_reverses(db, keys):
    profile = _profile()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE viaticos_travelerprofile SET document_number='11112222', "
            "bank_account='000-1', document_number_hash='' WHERE id=%s",
            [profile.pk],
        )
    migration = importlib.import_module("viaticos.migrations.0009_encrypt_existing_profiles")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.decrypt(None, editor)  # also fine on plain rows
    migration.encrypt(None, editor)
    assert crypto.is_token(_raw("viaticos_travelerprofile", "document_number", profile.pk))
    assert person_by_document("DNI", "11112222") == profile
    migration.decrypt(None, editor)
    assert _raw("viaticos_travelerprofile", "document_number", profile.pk) == "11112222"
    assert _raw("viaticos_travelerprofile", "bank_account", profile.pk) == "000-1"


# --- ARCO requests: the requester's and the representative's document numbers (issue 25) ---


def _staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    NoticeAcknowledgement.objects.get_or_create(
        user=user, notice=PrivacyNotice.objects.get(), defaults={"notice_hash": "x"}
    )
    return user


def test_arco_document_numbers_are_stored_as_ciphertext_and_read_by_the_officer(
    db, keys, api_client, client, privacy_officer, monkeypatch
):
    response = file_on(
        api_client,
        monkeypatch,
        dt.date(2026, 3, 30),
        representative_name="Ana Ruiz",
        representative_document_number="07654321",
        power_of_attorney_file=pdf(),
    )
    assert response.status_code == 201, response.content
    req = ArcoRequest.objects.get(tracking_code=response.json()["tracking_code"])
    for column, number in (
        ("document_number", "45879632"),
        ("representative_document_number", "07654321"),
    ):
        stored = _raw("privacy_arcorequest", column, req.pk)
        assert crypto.is_token(stored) and number not in stored
        history = req.history.earliest()
        stored = _raw("privacy_historicalarcorequest", column, history.history_id, "history_id")
        assert crypto.is_token(stored) and number not in stored
    assert (req.document_number, req.representative_document_number) == ("45879632", "07654321")
    client.force_login(_staff(privacy_officer))
    page = client.get(f"/privacidad/solicitudes/{req.pk}/")
    assert page.status_code == 200 and "45879632" in page.content.decode()


def test_arco_admin_masks_document_numbers_and_logs_a_reveal(
    db, keys, api_client, client, privacy_officer, monkeypatch, settings
):
    settings.PRIVACY_CONSENT_PROMPT = False
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30)).json()["tracking_code"]
    req = ArcoRequest.objects.get(tracking_code=code)
    client.force_login(_staff(privacy_officer))
    url = f"/admin/privacy/arcorequest/{req.pk}/change/"
    html = client.get(url).content.decode()
    assert "45879632" not in html and "···632" in html
    history = client.get(f"/admin/privacy/arcorequest/{req.pk}/history/").content.decode()
    assert "45879632" not in history
    version = req.history.earliest().history_id
    past = client.get(f"/admin/privacy/arcorequest/{req.pk}/history/{version}/")
    assert past.status_code == 200 and "45879632" not in past.content.decode()
    from privacy.models import AccessLogEntry

    before = AccessLogEntry.objects.count()
    revealed = client.get(url + "?reveal=1").content.decode()
    assert "45879632" in revealed
    whats = list(AccessLogEntry.objects.order_by("pk").values_list("what", flat=True)[before:])
    assert any("revel" in w.lower() or "revea" in w.lower() for w in whats)


def test_arco_data_migration_encrypts_plain_rows_keeps_them_readable_and_reverses(
    db, keys, api_client, monkeypatch
):
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30)).json()["tracking_code"]
    req = ArcoRequest.objects.get(tracking_code=code)
    with connection.cursor() as cursor:  # as stored before the encryption
        cursor.execute(
            "UPDATE privacy_arcorequest SET document_number='11112222', "
            "representative_document_number='' WHERE id=%s",
            [req.pk],
        )
        cursor.execute(
            "UPDATE privacy_historicalarcorequest SET document_number='11112222' WHERE id=%s",
            [req.pk],
        )
    migration = importlib.import_module("privacy.migrations.0021_encrypt_document_numbers")

    class Editor:
        connection = connection

    migration.encrypt(None, Editor())
    migration.encrypt(None, Editor())  # idempotent: a token is left as it is
    assert crypto.is_token(_raw("privacy_arcorequest", "document_number", req.pk))
    assert _raw("privacy_arcorequest", "representative_document_number", req.pk) == ""
    req.refresh_from_db()
    assert req.document_number == "11112222"
    assert {h.document_number for h in req.history.all()} == {"11112222"}
    migration.decrypt(None, Editor())
    assert _raw("privacy_arcorequest", "document_number", req.pk) == "11112222"


def test_rotation_covers_every_encrypted_column(db, keys, settings, api_client, monkeypatch):
    from privacy.management.commands.rotate_encryption_keys import encrypted_models

    labels = {model._meta.label for model, _secret, _hashes in encrypted_models()}
    assert {
        "viaticos.TravelerProfile",
        "viaticos.BankDetailsChange",
        "privacy.ArcoRequest",
        "privacy.HistoricalArcoRequest",
        "deadlines.PayrollDeductionOrder",
    } <= labels
    code = file_on(api_client, monkeypatch, dt.date(2026, 3, 30)).json()["tracking_code"]
    settings.VIATICOS_FIELD_KEYS = [keys["new"], keys["old"]]
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.VIATICOS_FIELD_KEYS = [keys["new"]]
    crypto.reset_keys()
    assert ArcoRequest.objects.get(tracking_code=code).document_number == "45879632"
