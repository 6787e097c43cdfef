"""Issue 21: backups and restores of the stored files work with object storage too
(`media_export`/`media_import`, used by scripts/backup.sh and restore.sh when
AWS_STORAGE_BUCKET_NAME is set)."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

FILES = {
    "receipts/2026/a.pdf": b"%PDF-1.4 one",
    "receipts/2026/stamped/a.pdf": b"%PDF-1.4 stamped",
    "arco/x.png": b"\x89PNG fake",
}


def test_files_go_from_a_bucket_to_a_folder_and_into_an_empty_bucket(
    s3_storage, tmp_path, settings
):
    for name, content in FILES.items():
        assert default_storage.save(name, ContentFile(content)) == name
    call_command("media_export", str(tmp_path / "out"))
    exported = {
        p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    }
    assert exported == FILES

    # Restore into another, empty bucket: the same names and the same bytes.
    s3_storage.client.create_bucket(Bucket=s3_storage.bucket + "-r")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {
                **settings.STORAGES["default"]["OPTIONS"],
                "bucket_name": s3_storage.bucket + "-r",
            },
        },
    }
    call_command("media_import", str(tmp_path / "out"))
    for name, content in FILES.items():
        with default_storage.open(name, "rb") as handle:
            assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(content).digest()
    # A second import would mix installations: refused before writing anything.
    with pytest.raises(CommandError, match="already stored"):
        call_command("media_import", str(tmp_path / "out"))


def test_the_retention_sweep_deletes_orphans_in_the_bucket_and_keeps_referenced_files(
    s3_storage, settings, monkeypatch, db
):
    """apply_retention's orphan sweep lists and deletes through the storage, bucket included:
    a stamped copy that no row references any more goes; a referenced file, and anything
    outside the registered folders, stay."""
    import datetime as dt

    from django.utils import timezone

    from viaticos import files

    settings.VIATICOS_ORPHAN_GRACE_HOURS = 0
    kept = default_storage.save("settlements/9/receipt.pdf", ContentFile(b"%PDF-1.4 kept"))
    orphan = default_storage.save("settlements/9/old-liquidado.pdf", ContentFile(b"%PDF-1.4 x"))
    other = default_storage.save("elsewhere/not-ours.pdf", ContentFile(b"%PDF-1.4 y"))
    monkeypatch.setattr(files, "referenced_names", lambda: {kept})
    later = timezone.now() + dt.timedelta(hours=1)
    assert files.orphan_files(now=later) == [orphan]
    assert files.sweep_orphans(now=later, dry_run=True) == [orphan]
    assert default_storage.exists(orphan)
    assert files.sweep_orphans(now=later) == [orphan]
    assert s3_storage() == sorted([kept, other])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_scripts_with_object_storage(s3_storage, moto_endpoint, tmp_path):
    """scripts/backup.sh copies the bucket out beside the dump; restore.sh puts the files back
    into an empty bucket: same names, same bytes."""
    import os
    import subprocess

    import psycopg2
    from django.db import connection

    from tests.viaticos.test_backup_restore import ROOT, db_url

    for name, content in FILES.items():
        default_storage.save(name, ContentFile(content))
    s3 = {
        "AWS_S3_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_REGION_NAME": "us-east-1",
    }
    source = db_url(connection.settings_dict["NAME"])
    target_name = connection.settings_dict["NAME"] + "_s3restore"
    admin = psycopg2.connect(db_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cur.execute(f'CREATE DATABASE "{target_name}"')
    try:
        env = {
            **os.environ,
            **s3,
            "DATABASE_URL": source,
            "VIATICOS_BACKUP_KEY": "a backup passphrase kept in the vault",
            "AWS_STORAGE_BUCKET_NAME": s3_storage.bucket,
            "MEDIA_ROOT": str(tmp_path / "staging-out"),
        }
        backup = tmp_path / "backup"
        subprocess.run(["bash", "scripts/backup.sh", str(backup)], cwd=ROOT, env=env, check=True)
        restored = s3_storage.bucket + "-restored"
        s3_storage.client.create_bucket(Bucket=restored)
        env.update(
            DATABASE_URL=db_url(target_name),
            AWS_STORAGE_BUCKET_NAME=restored,
            MEDIA_ROOT=str(tmp_path / "staging-in"),
        )
        subprocess.run(["bash", "scripts/restore.sh", str(backup)], cwd=ROOT, env=env, check=True)
        listing = s3_storage.client.list_objects_v2(Bucket=restored)
        keys = sorted(item["Key"] for item in listing.get("Contents", []))
        assert keys == sorted(FILES)
        for name, content in FILES.items():
            body = s3_storage.client.get_object(Bucket=restored, Key=name)["Body"].read()
            assert hashlib.sha256(body).digest() == hashlib.sha256(content).digest()
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        admin.close()
