"""PDFs of ARCO requests (§6): acknowledgement, response letter, data export (their e-mails
are written by privacy.services to the outbox)."""

from __future__ import annotations

import json

from django.utils import timezone

from viaticos import pdf


def render_pdf(template: str, context: dict) -> bytes:
    """Indirection so tests can replace the (slow) real rendering where it is incidental."""
    return pdf.render_pdf(template, context, language=context.get("language") or "es")


def _designation():
    from privacy.selectors import officer_designation

    return officer_designation()


def acknowledgement_pdf(request) -> bytes:
    """In the language of the request (Spanish or English), like every message about it."""
    return render_pdf(
        "privacy/pdf/acknowledgement.html",
        {"req": request, "language": request.language, "designation": _designation()},
    )


def response_letter_pdf(request) -> bytes:
    """Signed with the name and role of the Oficial de Datos Personales in office, in the
    language of the request."""
    return render_pdf(
        "privacy/pdf/response_letter.html",
        {"req": request, "language": request.language, "designation": _designation()},
    )


def export_pdf(subject, data: dict, language: str = "es") -> bytes:
    return render_pdf(
        "privacy/pdf/export.html", {"subject": subject, "data": data, "language": language}
    )


def export_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def store(content: bytes, prefix: str, extension: str) -> str:
    import uuid

    from viaticos.files import save_file

    return save_file(f"{prefix}/{uuid.uuid4().hex}.{extension}", content)


def now():
    return timezone.now()
