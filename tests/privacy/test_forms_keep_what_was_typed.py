"""Issue 19: no form wipes what was typed. The public ARCO form and the Privacy Officer's
actions come back after a server-side refusal with every value the person entered."""

import datetime as dt

import pytest

from privacy import clock
from privacy.models import ArcoRequest, NoticeAcknowledgement, PrivacyNotice
from tests.privacy.helpers import body, file_on

D = dt.date


@pytest.fixture
def officer_client(client, privacy_officer):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    return client


def test_the_arco_form_comes_back_with_every_value_after_an_error(db, client, media_files):
    data = body(
        right="rectificacion",
        document_file=None,
        full_name="Lucía Quispe Mamani",
        request_detail="Mi segundo apellido está mal escrito en la planilla.",
    )
    data["notice_acknowledged"] = "on"
    response = client.post("/privacidad/arco/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Lucía Quispe Mamani"' in html
    assert 'value="45879632"' in html and 'value="lucia@example.org"' in html
    assert "Mi segundo apellido está mal escrito en la planilla." in html
    assert 'value="rectificacion" checked' in html or (
        'value="rectificacion"' in html and "selected" in html
    )
    assert not ArcoRequest.objects.exists()


def test_the_officers_answer_comes_back_with_what_was_typed_after_a_refusal(
    db, api_client, officer_client, monkeypatch
):
    code = file_on(api_client, monkeypatch, D(2026, 3, 30), right="informacion").json()[
        "tracking_code"
    ]
    req = ArcoRequest.objects.get(tracking_code=code)
    monkeypatch.setattr(clock, "today", lambda: D(2026, 4, 6))
    # A refusal needs its reason: the service refuses, the reason typed so far stays.
    response = officer_client.post(
        f"/privacidad/solicitudes/{req.pk}/refuse/", {"ground": "repeated", "reason": "  "}
    )
    assert response.status_code == 400
    assert 'value="repeated" selected' in response.content.decode() or (
        '<option value="repeated" selected>' in response.content.decode()
    )
    # An answer on a request that cannot take it keeps the letter typed.
    letter = "Estimada señora: atendemos su pedido de información y le explicamos…"
    response = officer_client.post(
        f"/privacidad/solicitudes/{req.pk}/answer/", {"outcome": "bogus", "response_text": letter}
    )
    assert response.status_code == 400
    assert letter in response.content.decode()
    req.refresh_from_db()
    assert req.is_open
