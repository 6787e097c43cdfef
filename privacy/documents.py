"""PDFs and e-mails of ARCO requests (§6): acknowledgement, response letter, data export."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from viaticos import pdf


def render_pdf(template: str, context: dict) -> bytes:
    """Indirection so tests can replace the (slow) real rendering where it is incidental."""
    return pdf.render_pdf(template, context, language="es")


def acknowledgement_pdf(request) -> bytes:
    return render_pdf("privacy/pdf/acknowledgement.html", {"req": request})


def response_letter_pdf(request) -> bytes:
    return render_pdf("privacy/pdf/response_letter.html", {"req": request})


def export_pdf(subject, data: dict) -> bytes:
    return render_pdf("privacy/pdf/export.html", {"subject": subject, "data": data})


def export_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def store(content: bytes, prefix: str, extension: str) -> str:
    import uuid

    from viaticos.files import save_file

    return save_file(f"{prefix}/{uuid.uuid4().hex}.{extension}", content)


def send_mail(
    *, to: str, subject_template: str, body_template: str, context: dict, files=()
) -> None:
    """Send in Spanish (the requester's form is Spanish first); raises on SMTP failure."""
    with translation.override("es"):
        subject = render_to_string(subject_template, context).strip()
        body = render_to_string(body_template, context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    for name, content, mimetype in files:
        message.attach(name, content, mimetype)
    message.send()


def now():
    return timezone.now()
