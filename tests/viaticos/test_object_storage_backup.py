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
