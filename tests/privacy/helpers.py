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


__all__ = ["API", "body", "file_on", "pdf", "png"]
