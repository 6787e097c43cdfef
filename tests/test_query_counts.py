"""Every list page and API list runs a constant number of SQL queries (≤ 12), whatever the number
of rows: checked on the benchmark's synthetic organization at two sizes (bench/generate.py).

Pages already counted in an app's own tests are listed here too, so this table is the one
place that says which pages are held to the bound.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.generate import generate

MAX_QUERIES = 12

# (who, url); {s50} is the settlement with 50 receipts, {mission} one of the heavy traveler's.
PAGES = [
    ("traveler_heavy", "/"),
    ("traveler_heavy", "/misiones/"),
    ("traveler_heavy", "/misiones/{mission}/"),
    ("bench_secretary", "/por-aprobar/"),
    ("bench_finance", "/por-aprobar/"),
    ("coordinator", "/por-aprobar/"),
    ("bench_treasury", "/tesoreria/desembolsos/"),
    ("bench_treasury", "/tesoreria/pagos/"),
    ("bench_finance", "/viaticos/cotizaciones/"),
    ("traveler_heavy", "/liquidaciones/"),
    ("bench_assistant", "/liquidaciones/bandeja/"),
    ("bench_accountant", "/liquidaciones/{s50}/"),
    ("bench_accountant", "/liquidaciones/{s50}/revision/"),
    ("traveler_heavy", "/mis-plazos/"),
    ("bench_accountant", "/contabilidad/plazos/"),
    ("bench_accountant", "/contabilidad/plazos/?bucket=30%2B"),
    ("bench_accountant", "/contabilidad/planilla/"),
    ("bench_privacy", "/privacidad/solicitudes/"),
    ("bench_privacy", "/privacidad/solicitudes/?all=1"),
    ("bench_privacy", "/privacidad/registros/"),
    ("traveler_heavy", "/privacidad/mis-datos/"),
    ("traveler_heavy", "/api/v1/missions/"),
    ("bench_auditor", "/api/v1/missions/"),
    ("traveler_heavy", "/api/v1/missions/{mission}/"),
    ("traveler_heavy", "/api/v1/advances/"),
    ("bench_auditor", "/api/v1/advances/"),
    ("traveler_heavy", "/api/v1/settlements/"),
    ("bench_accountant", "/api/v1/settlements/"),
    ("bench_accountant", "/api/v1/settlements/{s50}/"),
    ("traveler_heavy", "/api/v1/deadlines/mine/"),
    ("bench_accountant", "/api/v1/sanctions/"),
    # SPEC §2.5 (issue 24): budgets, the journal and the donor report
    ("bench_finance", "/presupuestos/"),
    ("bench_finance", "/presupuestos/misiones-sin-linea/"),
    ("bench_finance", "/presupuestos/informe-donante/"),
    ("bench_accountant", "/contabilidad/diario/"),
    ("bench_accountant", "/contabilidad/balance/"),
    ("bench_auditor", "/api/v1/journal/"),
    ("traveler_heavy", "/api/v1/budget-lines/"),
    # Issue 20: the lists searched, filtered and sorted, and their exports (every row, no page)
    ("traveler_heavy", "/misiones/?q=a&status=draft&order=-departure"),
    ("bench_secretary", "/por-aprobar/?q=a&departure_from=2020-01-01"),
    ("traveler_heavy", "/liquidaciones/?q=a&order=-balance"),
    ("traveler_heavy", "/liquidaciones/?export=csv"),
    ("traveler_heavy", "/liquidaciones/?export=receipts-xlsx"),
    ("bench_assistant", "/liquidaciones/bandeja/?q=a&balance_min=0&order=-submitted"),
    ("bench_assistant", "/liquidaciones/bandeja/?export=receipts-csv"),
    ("bench_treasury", "/tesoreria/desembolsos/?q=a&amount_min=1&order=-amount"),
    ("bench_treasury", "/tesoreria/desembolsos/?export=xlsx"),
    ("bench_privacy", "/privacidad/solicitudes/?all=1&q=a&order=-received"),
    ("bench_privacy", "/privacidad/solicitudes/?all=1&export=csv"),
    ("traveler_heavy", "/sanciones/"),
    ("bench_accountant", "/sanciones/?state=proposed&order=-amount"),
    ("bench_accountant", "/sanciones/?export=xlsx"),
    ("bench_auditor", "/api/v1/advances/?q=a&order=-amount"),
    ("bench_accountant", "/api/v1/settlements/?q=a&status=submitted"),
    ("bench_accountant", "/api/v1/sanctions/?state=proposed&order=-amount"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")
    if connection.vendor == "sqlite":  # see tests/settlements/test_deadlines_scale.py
        monkeypatch.setattr(connection.features, "max_query_params", 32_766)


def _counts(scale: float) -> dict[str, tuple[int, int]]:
    today = timezone.localdate()
    named = generate(scale, today=today, out=_Silent())
    # The daily job runs first, so the pages also show requirements, sanctions and orders.
    call_command("enforce_deadlines", "--date", today.isoformat(), stdout=_Silent())
    users = get_user_model().objects.in_bulk(named.users.values())
    mission = users[named.users["traveler_heavy"]].missions.order_by("pk").first()
    out = {}
    for who, url in PAGES:
        url = url.format(s50=named.settlement_50, mission=mission.pk)
        client = Client()
        client.force_login(users[named.users[who]])
        client.get(url)  # per-process caches (calendar, content types) warm up first
        cache.clear()  # but what a page caches (the dashboard's spend) is counted: worst case
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        out[f"{who} {url}"] = (response.status_code, len(ctx.captured_queries))
    if named.counts["heavy_rows"] > 50:  # long lists come a page at a time
        client = Client()
        client.force_login(users[named.users["traveler_heavy"]])
        first, second = client.get("/misiones/"), client.get("/misiones/?page=2")
        assert first.content.count(b"<tr>") == 50 + 1 and b'rel="next"' in first.content
        assert b'rel="prev"' in second.content
    return out


class _Silent:
    def write(self, _text):
        pass

    def flush(self):
        pass


@pytest.mark.django_db
@pytest.mark.parametrize("scale", [0.001, 0.01], ids=["small", "larger"])
def test_every_page_and_api_list_runs_at_most_12_queries(scale):
    counts = _counts(scale)
    failed = {k: v for k, v in counts.items() if v[0] != 200}
    assert not failed, failed
    over = {k: n for k, (_, n) in counts.items() if n > MAX_QUERIES}
    assert not over, f"more than {MAX_QUERIES} queries: {over}"


def test_scale_sizes_grow_with_scale():
    from bench.generate import sizes

    assert sizes(0.001)["heavy_rows"] < sizes(0.01)["heavy_rows"] <= sizes(1.0)["heavy_rows"]
    assert sizes(1.0)["missions"] == 60_000 and sizes(1.0)["receipts"] == 400_000
    assert dt.date  # the generator takes `today` explicitly
