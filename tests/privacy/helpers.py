import datetime as dt

from tests.privacy.conftest import pdf, png

API = "/api/v1/privacy/arco-requests/"


def body(**overrides):
    data = {
        "right": "acceso",
        "full_name": "Lucía Quispe Mamani",
        "document_type": "DNI",
        "document_number": "45879632",
        "document_file": png(),
        "email": "lucia@example.org",
        "request_detail": "Quiero una copia de mis datos.",
        "notice_acknowledged": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def file_on(api_client, monkeypatch, day: dt.date, **overrides):
    from privacy import clock

    monkeypatch.setattr(clock, "today", lambda: day)
    return api_client.post(API, body(**overrides), format="multipart")


def confirm_email(client, request) -> None:
    """The requester opens the link of the acknowledgement and confirms the address (R-A1)."""
    from privacy.services import email_confirmation_token

    url = f"/privacidad/arco/confirmar/{email_confirmation_token(request)}/"
    assert client.post(url).status_code == 200
    request.refresh_from_db()
    assert request.email_confirmed_at is not None


def downloaded(client, message) -> dict[str, tuple[bytes, str]]:
    """Follow the expiring link of an e-mail carrying personal data (R-A1: never attached):
    {file name: (content, content type)}."""
    import re
    from urllib.parse import urlparse

    assert not message.attachments
    url = re.search(r"\S*/privacidad/arco/descarga/[^/\s]+/", message.body).group(0)
    path = urlparse(url).path
    page = client.get(path)
    assert page.status_code == 200, page.content
    files = {}
    for item in page.context["files"]:
        response = client.get(f"{path}{item.pk}/")
        assert response.status_code == 200
        name = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
        files[name] = (b"".join(response.streaming_content), response["Content-Type"])
    return files


def verify_identity(request, officer, method="in_person") -> None:
    """The officer records how the requester's identity was verified (R-A1)."""
    from privacy.services import arco_request_verify_identity

    arco_request_verify_identity(
        actor=officer, request_id=request.pk, method=method, note="DNI original en mesa de partes"
    )
    request.refresh_from_db()


def as_filed_by(request, user) -> None:
    """Make a request carry `user`'s own identity document and name, as when the person files it
    (the default body is Lucía Quispe's): the officer can then link it (R-A1 matching)."""
    profile = user.traveler_profile
    type(request).objects.filter(pk=request.pk).update(
        full_name=f"{user.first_name} {user.last_name}",
        document_type=profile.document_type,
        document_number=profile.document_number,
    )
    request.refresh_from_db()


def link_verified(request, officer, user) -> None:
    """Filed by `user`, identity verified, linked to their account: ready to be carried out."""
    from privacy.services import arco_request_link_subject

    as_filed_by(request, user)
    verify_identity(request, officer)
    arco_request_link_subject(actor=officer, request_id=request.pk, subject_id=user.pk)
    request.refresh_from_db()


__all__ = [
    "API",
    "as_filed_by",
    "body",
    "confirm_email",
    "downloaded",
    "file_on",
    "link_verified",
    "pdf",
    "png",
    "verify_identity",
]
