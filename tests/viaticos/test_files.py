"""Stored files never outlive their rows unnoticed (issue 18): a failed write leaves nothing,
and apply_retention sweeps the files no row references."""

import datetime as dt
import errno
import os
import time
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from privacy.models import ArcoAttachment
from viaticos.errors import ServiceUnavailable
from viaticos.files import save_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.MEDIA_ROOT


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_write_that_fails_half_way_leaves_no_partial_file(_media, monkeypatch):
    def disk_full(name, content):
        path = default_storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(b"%PDF-1.4 half a rec")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(default_storage, "_save", disk_full)
    with pytest.raises(ServiceUnavailable) as error:
        save_file("settlements/1/receipt.pdf", b"%PDF-1.4 whole receipt %%EOF")
    assert error.value.code == "storage_unavailable" and error.value.status == 503
    assert isinstance(error.value.__cause__, OSError)
    assert _files(_media) == []


def _old(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    stamp = time.time() - 3 * 24 * 3600
    os.utime(path, (stamp, stamp))
    return path


def test_apply_retention_sweeps_files_no_row_references(_media, api_client, monkeypatch):
    from tests.privacy.helpers import file_on

    file_on(api_client, monkeypatch, dt.date(2026, 3, 30))
    kept = ArcoAttachment.objects.get().storage_name
    orphan = _old(_media / "arco" / "killed-mid-receive.pdf")
    stamped = _old(_media / "settlements" / "7" / "stamped-copy.pdf")
    young = _media / "arco" / "upload-in-flight.png"  # its row may not be committed yet
    young.write_bytes(b"x")
    unrelated = _old(_media / "exports" / "not-ours.txt")

    out = StringIO()
    call_command("apply_retention", "--dry-run", "--date", "2026-04-01", stdout=out)
    assert "2 orphan file(s)" in out.getvalue() and orphan.exists() and stamped.exists()

    out = StringIO()
    call_command("apply_retention", "--date", "2026-04-01", stdout=out)
    assert "orphan file removed arco/killed-mid-receive.pdf" in out.getvalue()
    assert not orphan.exists() and not stamped.exists()
    assert young.exists() and unrelated.exists() and default_storage.exists(kept)
