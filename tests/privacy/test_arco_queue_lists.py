"""Issue 20, lists: the Privacy Officer's ARCO queue can be searched, filtered, sorted and
exported (CSV for Excel, XLSX), kept across pages; only the officer and the auditor get it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from privacy import clock
from privacy.models import ArcoRequest, NoticeAcknowledgement, PrivacyNotice

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/privacidad/solicitudes/"


@pytest.fixture
def officer_client(client, privacy_officer, monkeypatch):
    NoticeAcknowledgement.objects.create(
        user=privacy_officer, notice=PrivacyNotice.objects.get(), notice_hash="x"
    )
    client.force_login(privacy_officer)
    monkeypatch.setattr(clock, "today", lambda: D(2026, 4, 8))
    return client


@pytest.fixture
def queue():
    """Ana (acceso, due 20/04), Beto (rectificación, due 10/04), Carla (answered)."""
    rows = [
        ("Ana Flores", "acceso", ArcoRequest.Status.RECEIVED, D(2026, 4, 20), D(2026, 3, 20)),
        ("=Beto Ríos", "rectificacion", ArcoRequest.Status.RECEIVED, D(2026, 4, 10), D(2026, 3, 2)),
        ("Carla Paz", "acceso", ArcoRequest.Status.ANSWERED, D(2026, 4, 1), D(2026, 3, 1)),
    ]
    return ArcoRequest.objects.bulk_create(
        ArcoRequest(
            tracking_code=f"ARCO-2026-{index:05d}",
            right=right,
            status=status,
            full_name=name,
            document_type="DNI",
            document_number=f"{45000000 + index}",
            request_detail="Copia de mis datos.",
            received_on=received,
            counts_from=received,
            original_due_date=due,
            due_date=due,
            closed_on=D(2026, 3, 30) if status == ArcoRequest.Status.ANSWERED else None,
        )
        for index, (name, right, status, due, received) in enumerate(rows, start=1)
    )


def _names(response):
    return [r.full_name for r in response.context["rows"]]


def test_the_queue_is_searched_filtered_and_sorted(officer_client, queue):
    assert _names(officer_client.get(URL)) == ["=Beto Ríos", "Ana Flores"]  # by due date
    assert _names(officer_client.get(URL, {"q": "flores"})) == ["Ana Flores"]
    assert _names(officer_client.get(URL, {"q": "ARCO-2026-00002"})) == ["=Beto Ríos"]
    assert _names(officer_client.get(URL, {"right": "acceso"})) == ["Ana Flores"]
    assert _names(officer_client.get(URL, {"received_from": "2026-03-10"})) == ["Ana Flores"]
    assert _names(officer_client.get(URL, {"order": "name"})) == ["=Beto Ríos", "Ana Flores"]
    assert _names(officer_client.get(URL, {"order": "-received"})) == ["Ana Flores", "=Beto Ríos"]
    closed = officer_client.get(URL, {"all": "1", "status": "answered"})
    assert _names(closed) == ["Carla Paz"]
    assert 'name="all" value="1"' in closed.content.decode()  # the filter form keeps "all"
    page = officer_client.get(URL, {"q": "nadie"}).content.decode()
    assert "Ninguna solicitud coincide con estos filtros." in page


def test_filters_are_kept_across_pages(officer_client, queue, monkeypatch):
    from viaticos import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    page = officer_client.get(URL, {"all": "1", "right": "acceso"}).content.decode()
    assert "?all=1&amp;right=acceso&amp;page=2" in page


def test_csv_export_of_the_filtered_queue_is_neutralized(officer_client, queue):
    response = officer_client.get(URL, {"export": "csv", "all": "1"})
    assert 'filename="solicitudes-arco-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Código de seguimiento", "Derecho", "Solicitante"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"ARCO-2026-00001", "ARCO-2026-00002", "ARCO-2026-00003"}
    assert by_code["ARCO-2026-00002"][2] == "'=Beto Ríos"
    assert by_code["ARCO-2026-00002"][6] == "10/04/2026"
    assert by_code["ARCO-2026-00003"][8] == "30/03/2026"


def test_xlsx_export_has_real_dates(officer_client, queue):
    response = officer_client.get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Código de seguimiento"
    assert sheet["F2"].is_date and sheet["G2"].is_date
    assert sheet.max_row == 3  # the two in course


def test_only_the_officer_and_the_auditor_export_the_queue(client, traveler, auditor, queue):
    client.force_login(traveler)
    assert client.get(URL, {"export": "csv"}).status_code == 404
    client.force_login(auditor)
    assert client.get(URL, {"export": "csv"}).status_code == 200
