"""Issue 18: every attack reproduced against a production-like deployment, as one table.

Each case is the request an attacker sends, the refusal expected (status and error code), and
the proof that nothing was kept: the same rows in the database and the same files in the media
folder before and after. Attacks whose defence is not a refusal are tested beside the feature:
ARCO delivery to the account's address (tests/privacy/test_arco_verified_delivery.py), formula
injection (tests/settlements/test_deadlines_sanctions.py, tests/viaticos/test_spreadsheets.py),
hashed tokens (tests/viaticos/test_accounts.py), per-address login limits and password resets
(tests/viaticos/test_clients.py), orphan files (tests/viaticos/test_files.py), the admin
access log (tests/privacy/test_arco_officer.py), document removal
(tests/settlements/test_document_remove.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from deadlines.models import Sanction
from missions.models import Mission
from privacy.models import ArcoAttachment, ArcoRequest
from settlements.models import Document, Receipt, Settlement
from tests.factories import pdf_bytes
from tests.privacy.helpers import API as ARCO_API
from tests.privacy.helpers import body as arco_body

pytestmark = pytest.mark.django_db


def _png(side: int, mode: str = "1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (side, side), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


BOMB_17KB = _png(12000)  # 144 megapixels in a few KB
BOMB_400MP = _png(20500)  # beyond Pillow's own limit: DecompressionBombError
DISGUISED_PDF = b"%PDF-1.4\n<html><body>no soy un PDF</body></html>\n%%EOF"


def _upload(name: str, content: bytes, kind: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=kind)


@dataclass(frozen=True)
class Attack:
    name: str
    send: Callable  # (ctx) -> response
    status: int
    code: str | None = None
    settings: dict = field(default_factory=dict)


def arco(**overrides):
    def send(ctx):
        return ctx["anonymous"].post(ARCO_API, arco_body(**overrides), format="multipart")

    return send


def arco_page(**overrides):
    def send(ctx):
        return ctx["browser"].post("/privacidad/arco/", arco_body(**overrides))

    return send


def settlement_document(content: bytes, name: str):
    def send(ctx):
        settlement = ctx["settlement"]
        ctx["api"].force_authenticate(settlement.mission.traveler)
        return ctx["api"].post(
            f"/api/v1/settlements/{settlement.pk}/documents/",
            {"kind": "mission_report", "file": _upload(name, content)},
        )

    return send


def long_mission(ctx):
    traveler = ctx["settlement"].mission.traveler
    ctx["api"].force_authenticate(traveler)
    return ctx["api"].post(
        "/api/v1/missions/",
        {
            "project": ctx["settlement"].mission.project.code,
            "kind": "ordinary",
            "purpose": "Taller",
            "expected_results": "Plan",
            "budget_line": "2.1.3",
            "departure_at": "2026-03-02T07:30:00-05:00",
            "return_at": "2099-12-30T19:00:00-05:00",
            "legs": [
                {
                    "destination": "SV-SAL",
                    "arrive_at": "2026-03-02T11:00:00-05:00",
                    "leave_at": "2099-12-30T15:00:00-05:00",
                }
            ],
        },
        format="json",
    )


def oversize_body(ctx):
    return ctx["browser"].post(
        "/privacidad/arco/", data=b"x" * 20_000, content_type="application/octet-stream"
    )


def sanction_by_the_traveler(ctx):
    sanction = ctx["sanction"]
    ctx["api"].force_authenticate(sanction.person)
    return ctx["api"].post(f"/api/v1/sanctions/{sanction.pk}/lift/", {"reason": "Yo mismo"})


ATTACKS = [
    # 4. Unbounded files, on the anonymous form and on settlement uploads
    Attack(
        "arco: 17 KB PNG of 12000×12000 px",
        arco(document_file=_upload("dni.png", BOMB_17KB)),
        400,
        "image_too_large",
    ),  # noqa: E501
    Attack(
        "arco: 400-megapixel PNG (decompression bomb)",
        arco(document_file=_upload("dni.png", BOMB_400MP)),
        400,
        "image_too_large",
    ),  # noqa: E501
    Attack(
        "arco page: decompression bomb",
        arco_page(document_file=_upload("dni.png", BOMB_400MP)),
        400,
    ),  # noqa: E501
    Attack(
        "settlement: decompression bomb",
        settlement_document(BOMB_400MP, "informe.png"),
        400,
        "image_too_large",
    ),  # noqa: E501
    Attack(
        "settlement: PDF over the page cap",
        settlement_document(pdf_bytes(pages=6), "informe.pdf"),
        400,
        "pdf_too_many_pages",
        {"VIATICOS_MAX_PDF_PAGES": 5},
    ),
    Attack(
        "settlement: file over the size cap",
        settlement_document(pdf_bytes(pages=40), "informe.pdf"),
        400,
        "file_too_large",
        {"VIATICOS_MAX_UPLOAD_BYTES": 1000},
    ),  # noqa: E501
    Attack(
        "anonymous body over the request cap",
        oversize_body,
        413,
        settings={"VIATICOS_MAX_REQUEST_BYTES": 10_000},
    ),  # noqa: E501
    # 5. A disguised file that would have stuck the settlement at receipt
    Attack(
        "settlement: HTML disguised as PDF",
        settlement_document(DISGUISED_PDF, "pasaje.pdf"),
        400,
        "file_corrupt",
    ),  # noqa: E501
    Attack(
        "arco: HTML disguised as PDF",
        arco(document_file=_upload("dni.pdf", DISGUISED_PDF, "application/pdf")),
        400,
        "file_corrupt",
    ),  # noqa: E501
    # 2. Phishing relay through the acknowledgement
    Attack(
        "arco: full name with a phishing letter",
        arco(full_name="Lucía\nURGENTE: valide sus datos bancarios en https://evil.example/"),
        400,
        "not_single_line",
    ),
    Attack("arco: full name over 200 characters", arco(full_name="L" * 201), 400),
    # 8. Unbounded missions
    Attack("mission from 2026 to 2099", long_mission, 400, "mission_too_long"),
    # 9. The documented 403
    Attack(
        "sanctions API: the traveler lifts their own sanction",
        sanction_by_the_traveler,
        403,
        "not_allowed",
    ),  # noqa: E501
]


def _snapshot(media_root) -> dict:
    files = sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
    rows = {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (ArcoRequest, ArcoAttachment, Mission, Settlement, Document, Receipt)
    }
    rows["sanctions"] = sorted(Sanction.objects.values_list("pk", "state"))
    return {"files": files, "rows": rows}


@pytest.fixture
def ctx(submitted, api_client, client, settings, accountant, seed_rates):
    from django.utils import timezone
    from rest_framework.test import APIClient

    from deadlines import sanctions

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    settlement = submitted()
    settlement.status = Settlement.Status.DRAFT  # editable again, as a returned one would be
    settlement.save(update_fields=["status"])
    sanction = sanctions.sanction_propose(
        actor=accountant,
        kind="undue_per_diem",
        person=settlement.mission.traveler,
        mission=settlement.mission,
        advance=None,
        amount=__import__("decimal").Decimal("40.00"),
        reason="R-8a",
        today=timezone.localdate(),
    )
    return {
        "settlement": settlement,
        "sanction": sanction,
        "api": api_client,
        "anonymous": APIClient(),
        "browser": client,
    }


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_the_attack_is_refused_and_nothing_is_kept(attack, ctx, settings):
    for name, value in attack.settings.items():
        setattr(settings, name, value)
    before = _snapshot(settings.MEDIA_ROOT)
    response = attack.send(ctx)
    assert response.status_code == attack.status, getattr(response, "content", b"")[:300]
    if attack.code:
        assert response.json()["code"] == attack.code
    assert _snapshot(settings.MEDIA_ROOT) == before


def test_rotating_a_forged_forwarded_for_opens_no_new_allowance(settings, seed_rates):
    """3. Behind one proxy, 12 filings each with a new forged X-Forwarded-For: the limit (5)
    holds, because a header longer than the proxies write is not believed."""
    from rest_framework.test import APIClient

    settings.TRUSTED_PROXY_COUNT = 1
    settings.PRIVACY_RATE_LIMITS = {"file": (5, 3600), "lookup": (30, 600)}
    cache.clear()
    statuses = []
    for number in range(12):
        response = APIClient().post(
            ARCO_API,
            arco_body(),
            format="multipart",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
        )
        statuses.append(response.status_code)
    assert statuses.count(201) == 5 and statuses[5:] == [429] * 7
    assert ArcoRequest.objects.count() == 5
    cache.clear()
