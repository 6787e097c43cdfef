"""Issue 20, first run: the demo's e-mails land in var/mail/ with one line each, and the links
in them follow the port the demo serves on."""

import email
import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMessage

from viaticos.mail import FolderEmailBackend

ROOT = Path(__file__).resolve().parents[2]


def test_each_demo_email_is_one_eml_file_and_one_line(tmp_path):
    console = io.StringIO()
    backend = FolderEmailBackend(file_path=tmp_path / "mail", stream=console)
    message = EmailMessage(
        "Misión M-00001 autorizada", "Su misión fue autorizada.", to=["lucia@demo.viaticos.local"]
    )
    message.attach("orden.pdf", b"%PDF-1.4 " + b"x" * 5000, "application/pdf")
    assert backend.send_messages([message]) == 1
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1 and "mision-m-00001-autorizada" in files[0].name
    parsed = email.message_from_bytes(files[0].read_bytes())
    assert parsed["To"] == "lucia@demo.viaticos.local"
    lines = console.getvalue().splitlines()
    assert len(lines) == 1  # no base64 on the console
    assert "lucia@demo.viaticos.local" in lines[0] and "(+1 attachment)" in lines[0]


def _setting(name: str, **env) -> str:
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("VIATICOS_SITE_URL", "PORT")}
    environment |= {"DJANGO_SETTINGS_MODULE": "viaticos.settings", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_links_in_development_follow_the_port():
    assert _setting("VIATICOS_SITE_URL", DEBUG="true", PORT="8123") == "http://127.0.0.1:8123"
    assert _setting("EMAIL_BACKEND", DEBUG="true") == "viaticos.mail.FolderEmailBackend"
