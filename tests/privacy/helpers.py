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


__all__ = ["API", "body", "confirm_email", "file_on", "pdf", "png"]
