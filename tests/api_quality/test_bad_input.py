"""Bad input catalogue (issue 8): every entry point refuses malformed JSON, wrong types, huge
values, dates out of range, disguised files and actions in the wrong state with a 4xx, a clear
`{"code", "detail"}` message in Spanish by default, and the database unchanged.

One table (CASES) drives the API entry points; the HTML forms are not in it yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.api_quality.dataset import ANON, pdf_bytes, png_bytes

HUGE_AMOUNT = "9" * 30
HUGE_TEXT = "x" * 100_000
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200  # a Windows program
TRUNCATED_PDF = pdf_bytes("truncated")[:300]
MALFORMED = '{"destination": "GT", "departure_at": '

QUOTE = {"destination": "GT", "departure_at": "2026-03-02T07:30", "return_at": "2026-03-05T19:00"}


def mission_body(**overrides) -> dict:
    body = {
        "project": "PREVDA",
        "kind": "ordinary",
        "purpose": "Taller",
        "expected_results": "Plan",
        "budget_line": "2.1.3",
        "departure_at": "2026-05-04T07:30:00-05:00",
        "return_at": "2026-05-07T19:00:00-05:00",
        "legs": [
            {
                "destination": "SV-SAL",
                "arrive_at": "2026-05-04T11:00:00-05:00",
                "leave_at": "2026-05-07T15:00:00-05:00",
            }
        ],
    }
    body.update(overrides)
    return body


def receipt_body(**overrides) -> dict:
    body = {
        "file": SimpleUploadedFile("r.pdf", pdf_bytes("bad-input"), "application/pdf"),
        "receipt_type": "invoice",
        "category": "taxi",
        "issuer_name": "Taxis S.A.",
        "number": "F1-1",
        "date": "2026-02-10",
        "currency": "USD",
        "amount": "10.00",
    }
    body.update(overrides)
    return body


def arco_body(**overrides) -> dict:
    body = {
        "right": "acceso",
        "full_name": "Titular de Prueba",
        "document_type": "DNI",
        "document_number": "45879632",
        "document_file": SimpleUploadedFile("dni.png", png_bytes(), "image/png"),
        "email": "titular@example.org",
        "request_detail": "Quiero una copia de mis datos.",
        "notice_acknowledged": "true",
    }
    body.update(overrides)
    return body


def upload(name: str, content: bytes, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


@dataclass(frozen=True)
class Case:
    who: str
    method: str
    path: Callable[[dict], str]
    body: Callable[[], object] | None = None
    fmt: str = "json"  # json, multipart or raw (a str sent as application/json)
    status: int = 400
    code: str | None = None
    extra: dict = field(default_factory=dict)


def MISSION(key):
    return lambda d: f"/api/v1/missions/{d[key].pk}/"


def P(path):
    return lambda d: path


T, PC, TR, GA, AA = (
    "traveler",
    "project_coordinator",
    "treasury",
    "general_accountant",
    "accounting_assistant",
)

CASES: dict[str, Case] = {
    # per-diem quote (read-only, but it must refuse)
    "quote-malformed-json": Case(T, "post", P("/api/v1/per-diem/quote/"), lambda: MALFORMED, "raw"),
    "quote-wrong-types": Case(
        T,
        "post",
        P("/api/v1/per-diem/quote/"),
        lambda: {**QUOTE, "departure_at": 123, "meals_covered": "lunch"},
    ),
    "quote-huge-sponsor": Case(
        T,
        "post",
        P("/api/v1/per-diem/quote/"),
        lambda: {**QUOTE, "sponsor_daily_amount": HUGE_AMOUNT},
    ),
    "quote-year-0": Case(
        T,
        "post",
        P("/api/v1/per-diem/quote/"),
        lambda: {**QUOTE, "departure_at": "0000-01-01T07:00"},
    ),
    "quote-year-9999": Case(
        T, "post", P("/api/v1/per-diem/quote/"), lambda: {**QUOTE, "return_at": "9999-12-31T19:00"}
    ),
    "quote-feb-30": Case(
        T, "post", P("/api/v1/per-diem/quote/"), lambda: {**QUOTE, "return_at": "2026-02-30T19:00"}
    ),
    "quote-meal-day-feb-30": Case(
        T,
        "post",
        P("/api/v1/per-diem/quote/"),
        lambda: {**QUOTE, "meals_covered": {"2026-02-30": ["lunch"]}},
    ),
    # missions
    "mission-malformed-json": Case(T, "post", P("/api/v1/missions/"), lambda: MALFORMED, "raw"),
    "mission-wrong-types": Case(
        T, "post", P("/api/v1/missions/"), lambda: mission_body(legs="SV-SAL", kind=7)
    ),
    "mission-huge-text": Case(
        T, "post", P("/api/v1/missions/"), lambda: mission_body(purpose=HUGE_TEXT)
    ),
    "mission-huge-sponsor": Case(
        T, "post", P("/api/v1/missions/"), lambda: mission_body(sponsor_daily_amount=HUGE_AMOUNT)
    ),
    "mission-year-0": Case(
        T, "post", P("/api/v1/missions/"), lambda: mission_body(departure_at="0000-01-01T07:30")
    ),
    "mission-year-9999": Case(
        T,
        "post",
        P("/api/v1/missions/"),
        lambda: mission_body(
            departure_at="9999-12-01T07:30:00-05:00",
            return_at="9999-12-05T19:00:00-05:00",
            legs=[
                {
                    "destination": "SV-SAL",
                    "arrive_at": "9999-12-01T11:00:00-05:00",
                    "leave_at": "9999-12-05T15:00:00-05:00",
                }
            ],
        ),
    ),
    "mission-meal-day-feb-30": Case(
        T, "post", P("/api/v1/missions/"), lambda: mission_body(meals_covered={"2026-02-30": []})
    ),
    "mission-update-huge-budget-line": Case(
        T, "put", MISSION("draft_mission"), lambda: mission_body(budget_line=HUGE_TEXT)
    ),
    "mission-invitation-exe-as-pdf": Case(
        T,
        "post",
        lambda d: f"/api/v1/missions/{d['draft_mission'].pk}/invitation/",
        lambda: {"file": upload("invitacion.pdf", EXE)},
        "multipart",
        code="file_type_not_allowed",
    ),
    "mission-invitation-truncated-pdf": Case(
        T,
        "post",
        lambda d: f"/api/v1/missions/{d['draft_mission'].pk}/invitation/",
        lambda: {"file": upload("invitacion.pdf", TRUNCATED_PDF)},
        "multipart",
        code="file_corrupt",
    ),
    "mission-submit-wrong-state": Case(
        T,
        "post",
        lambda d: f"/api/v1/missions/{d['submitted_mission'].pk}/submit/",
        code="wrong_state",
    ),
    "mission-start-wrong-state": Case(
        T, "post", lambda d: f"/api/v1/missions/{d['draft_mission'].pk}/start/"
    ),
    "mission-suspend-huge-amount": Case(
        PC,
        "post",
        lambda d: f"/api/v1/missions/{d['authorized_mission'].pk}/suspend/",
        lambda: {"reason": "x", "amount_spent": HUGE_AMOUNT},
    ),
    # advances
    "advance-wrong-types": Case(
        T, "post", P("/api/v1/advances/"), lambda: {"mission": "abc", "terminal_estimate": []}
    ),
    "advance-huge-amount": Case(
        T,
        "post",
        P("/api/v1/advances/"),
        lambda: {"mission": 1, "terminal_estimate": HUGE_AMOUNT},
    ),
    "advance-disburse-wrong-state": Case(
        TR,
        "post",
        lambda d: f"/api/v1/advances/{d['advance'].pk}/disburse/",
        lambda: {"disbursed_on": "2026-03-01", "method": "transfer", "reference": "OP-1"},
    ),
    "advance-disburse-feb-30": Case(
        TR,
        "post",
        lambda d: f"/api/v1/advances/{d['advance'].pk}/disburse/",
        lambda: {"disbursed_on": "2026-02-30", "method": "transfer", "reference": "OP-1"},
    ),
    "advance-return-year-0": Case(
        TR,
        "post",
        lambda d: f"/api/v1/advances/{d['advance'].pk}/record-return/",
        lambda: {"returned_on": "0000-01-01"},
    ),
    # settlements
    "settlement-start-wrong-type": Case(
        T, "post", P("/api/v1/settlements/"), lambda: {"mission": {"id": 1}}
    ),
    "settlement-times-year-9999": Case(
        T,
        "post",
        lambda d: f"/api/v1/settlements/{d['settlement'].pk}/times/",
        lambda: {"actual_departure_at": "9999-12-31T07:00", "actual_return_at": "9999-12-31T08:00"},
    ),
    "settlement-receipt-huge-amount": Case(
        T,
        "post",
        lambda d: f"/api/v1/settlements/{d['settlement'].pk}/receipts/",
        lambda: receipt_body(amount=HUGE_AMOUNT),
        "multipart",
    ),
    "settlement-receipt-feb-30": Case(
        T,
        "post",
        lambda d: f"/api/v1/settlements/{d['settlement'].pk}/receipts/",
        lambda: receipt_body(date="2026-02-30"),
        "multipart",
    ),
    "settlement-receipt-wrong-state": Case(
        T,
        "post",
        lambda d: f"/api/v1/settlements/{d['settlement'].pk}/receipts/",
        lambda: receipt_body(),
        "multipart",
    ),
    "settlement-settle-wrong-state": Case(
        GA, "post", lambda d: f"/api/v1/settlements/{d['settlement'].pk}/settle/"
    ),
    "settlement-balance-year-0": Case(
        GA,
        "post",
        lambda d: f"/api/v1/settlements/{d['settlement'].pk}/record-balance/",
        lambda: {"on": "0000-01-01"},
    ),
    "receipt-review-huge-amount": Case(
        GA,
        "post",
        lambda d: f"/api/v1/receipts/{d['receipt'].pk}/review/",
        lambda: {"decision": "cut", "accepted_usd": HUGE_AMOUNT, "reason": "x"},
    ),
    "receipt-review-wrong-state": Case(
        GA,
        "post",
        lambda d: f"/api/v1/receipts/{d['receipt'].pk}/review/",
        lambda: {"decision": "accepted"},
    ),
    # sanctions
    "sanction-malformed-json": Case(GA, "post", P("/api/v1/sanctions/"), lambda: MALFORMED, "raw"),
    "sanction-huge-amount": Case(
        GA,
        "post",
        P("/api/v1/sanctions/"),
        lambda: {"kind": "undue_per_diem", "mission": 1, "amount": HUGE_AMOUNT, "reason": "x"},
    ),
    "sanction-huge-reason": Case(
        GA,
        "post",
        lambda d: "/api/v1/sanctions/",
        lambda: {"kind": "bogus", "mission": "uno", "reason": HUGE_TEXT},
    ),
    "sanction-lift-wrong-type": Case(
        GA,
        "post",
        lambda d: f"/api/v1/sanctions/{d['sanction'].pk}/lift/",
        lambda: {"reason": ["a", "b"]},
    ),
    # proposals (R-A1) and further deduction orders (R-8b)
    "sanction-answer-huge": Case(
        T,
        "post",
        lambda d: f"/api/v1/sanctions/{d['sanction'].pk}/answer/",
        lambda: {"answer": HUGE_TEXT},
    ),
    "sanction-dismiss-wrong-type": Case(
        GA,
        "post",
        lambda d: f"/api/v1/sanctions/{d['sanction'].pk}/dismiss/",
        lambda: {"reason": ["a", "b"]},
    ),
    "sanction-orders-huge-amount": Case(
        GA,
        "post",
        lambda d: f"/api/v1/sanctions/{d['sanction'].pk}/orders/",
        lambda: {"amount": HUGE_AMOUNT},
    ),
    # calendar
    "calendar-year-9999": Case(
        T, "get", P("/api/v1/calendar/add-business-days/?start=9999-12-31&days=366")
    ),
    "calendar-huge-days": Case(
        T, "get", P(f"/api/v1/calendar/add-business-days/?start=2026-03-02&days={HUGE_AMOUNT}")
    ),
    "calendar-feb-30": Case(
        T, "get", P("/api/v1/calendar/settlement-due-date/?return_date=2026-02-30")
    ),
    "calendar-year-0": Case(
        T, "get", P("/api/v1/calendar/settlement-due-date/?return_date=0000-01-01")
    ),
    # privacy (public)
    "arco-exe-as-pdf": Case(
        ANON,
        "post",
        P("/api/v1/privacy/arco-requests/"),
        lambda: arco_body(document_file=upload("dni.pdf", EXE)),
        "multipart",
        code="file_type_not_allowed",
    ),
    "arco-truncated-pdf": Case(
        ANON,
        "post",
        P("/api/v1/privacy/arco-requests/"),
        lambda: arco_body(document_file=upload("dni.pdf", TRUNCATED_PDF)),
        "multipart",
        code="file_corrupt",
    ),
    "arco-huge-name": Case(
        ANON,
        "post",
        P("/api/v1/privacy/arco-requests/"),
        lambda: arco_body(full_name=HUGE_TEXT),
        "multipart",
    ),
    "arco-huge-detail": Case(
        ANON,
        "post",
        P("/api/v1/privacy/arco-requests/"),
        lambda: arco_body(request_detail=HUGE_TEXT),
        "multipart",
    ),
    "arco-wrong-type": Case(
        ANON,
        "post",
        P("/api/v1/privacy/arco-requests/"),
        lambda: arco_body(notice_acknowledged="quizá"),
        "multipart",
    ),
    "arco-json-refused": Case(
        ANON,
        "post",
        P("/api/v1/privacy/arco-requests/"),
        lambda: '{"right": "acceso"}',
        "raw",
        status=415,
    ),
}


def _counts() -> dict[str, int]:
    from deadlines.models import Sanction
    from missions.models import Advance, Mission, MissionLeg
    from privacy.models import ArcoRequest
    from settlements.models import Document, Receipt, Settlement

    models = [Mission, MissionLeg, Advance, Settlement, Receipt, Document, Sanction, ArcoRequest]
    counts = {m.__name__: m.objects.count() for m in models}
    counts.update(
        {f"history.{m.__name__}": m.history.count() for m in models if hasattr(m, "history")}
    )
    return counts


def _call(case: Case, data: dict, language: str):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language) if language else APIClient()
    if case.who != ANON:
        client.credentials(HTTP_AUTHORIZATION=f"Token {data['tokens'][case.who]}")
    method = getattr(client, case.method)
    body = case.body() if case.body else None
    if case.fmt == "raw":
        return method(case.path(data), body, content_type="application/json")
    if case.fmt == "multipart":
        return method(case.path(data), body, format="multipart")
    return method(case.path(data), body, format="json")


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_refused_and_changes_nothing(data, record_property, name):
    case = CASES[name]
    refused = False
    try:
        _check_refused(case, data)
        refused = True
    finally:
        record_property("bad_input", refused)


def _check_refused(case: Case, data: dict) -> None:
    before = _counts()
    response = _call(case, data, language="")  # no Accept-Language: Spanish by default
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response.status_code == case.status, response.json()
    body = response.json()
    assert set(body) >= {"code", "detail"}, body
    assert body["detail"] and isinstance(body["detail"], str), body
    if case.code:
        assert body["code"] == case.code, body
    assert _counts() == before
    english = _call(case, data, language="en").json()
    assert english["code"] == body["code"]
    assert english["detail"] != body["detail"], f"not translated to Spanish: {body['detail']!r}"
    assert _counts() == before
