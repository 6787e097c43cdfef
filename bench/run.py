"""`make bench`: generate a synthetic year on PostgreSQL, measure, print a table, write JSON.

Environment: BENCH_SCALE (1.0 = 5,000 travelers, 60,000 missions...), BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/viaticos_bench; dropped and re-created on every
run: its name must contain "bench"), BENCH_ROUNDS (timed requests per page), BENCH_LOAD_SECONDS
(duration of the quote API load), BENCH_REUSE=1 (measure the dataset already there, after a
fix; only before its jobs have run), BENCH_PARTS (default pages,pdfs,jobs,quote), BENCH_PAGES
(only the pages whose name contains one of these comma-separated words, e.g. review,detail),
BENCH_SMOKE=1 (CI: every step runs once, nothing is judged), BENCH_MIXED_SECONDS (duration of
each half of the 40-session mixed load). BENCH_SCALE=1,3 measures both scales in one JSON with
the growth from the first to the last.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viaticos_bench")
os.environ["DATABASE_URL"] = DB_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# BENCH_SCALE=1,3 runs both scales one after the other and reports them in one JSON (growth).
SCALES = [float(x) for x in os.environ.get("BENCH_SCALE", "1.0").split(",") if x.strip()]
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2" if SMOKE else "40"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "2" if SMOKE else "15"))
MIXED_SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", "3" if SMOKE else "30"))


# Issue 23. Pages: p95 ≤ half the admin changelist's and ≤ 6× the empty page's (same run).
TARGETS = {
    "max_queries": 12,
    "page_vs_admin": 0.5,
    "page_vs_floor": 6,
    "sweep_first_s": 2.5,
    "sweep_second_s": 0.5,
    "quote_rps": 300,
    "quote_p99_ms": 100,
    "report_pdf_p95_ms": 500,
    "receive_20_photos_s": 3,
    "receive_peak_rss_mb": 300,
    "bundle_mb": 10,
    "bundle_download_p95_ms": 100,
}


def recreate_database() -> None:
    import psycopg2

    url = urlparse(DB_URL)
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"BENCH_DATABASE_URL must name a database containing 'bench' (got {name!r}).")
    conn = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def run_one(scale: float, *, reuse: bool) -> dict:
    started = dt.datetime.now().astimezone()
    print(f"Benchmark at scale {scale} on {DB_URL}")
    if not reuse:
        from django.db import connections

        connections.close_all()
        recreate_database()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from bench import generate

    today = timezone.localdate()
    t0 = time.perf_counter()
    if reuse:  # measuring again after a fix; the jobs must not have run on this dataset yet
        print("Reusing the dataset already in the database (BENCH_REUSE=1).")
        call_command("migrate", verbosity=0, interactive=False)  # e.g. a new index
        named = generate.named_from_db()
    else:
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
        call_command("migrate", verbosity=0, interactive=False)
        print("Generating the dataset (bulk inserts):")
        named = generate.generate(scale, today=today)
    generation_s = time.perf_counter() - t0
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # fresh statistics, as autovacuum would give
    print(f"{'Dataset' if reuse else f'Generated in {generation_s:.0f} s'}: {named.counts}")

    from bench import measure

    report = {
        "date": started.isoformat(timespec="seconds"),
        "scale": scale,
        "smoke": SMOKE,
        "machine": machine(),
        "generation_s": None if reuse else round(generation_s, 1),
        "dataset": named.counts,
        "targets": TARGETS,
    }
    parts = os.environ.get("BENCH_PARTS", "pages,pdfs,jobs,quote,mixed").split(",")
    if "pages" in parts:
        report["page_floor"] = measure.page_floor(named, rounds=ROUNDS)
        report["pages"] = measure.pages(named, rounds=ROUNDS)
        report["spend_per_disbursement"] = measure.spend_per_disbursement(rounds=ROUNDS)
    if "pdfs" in parts:
        report["pdfs"] = measure.pdfs(named, rounds=max(1, ROUNDS // 4), today=today)
    if "mixed" in parts:
        report["mixed_load"] = measure.mixed_load(named, seconds=MIXED_SECONDS)
    if "jobs" in parts:  # last but the quote: the jobs change the dataset
        report["jobs"] = measure.jobs(today=today)
    if "quote" in parts:
        report["quote_api"] = measure.quote_load(named, seconds=LOAD_SECONDS)
    report["verdicts"] = measure.verdicts(report)
    measure.print_table(report)
    return report


def main() -> None:
    started = dt.datetime.now().astimezone()
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if reuse and len(SCALES) > 1:
        sys.exit("BENCH_REUSE=1 measures one dataset: give one BENCH_SCALE.")
    import django

    django.setup()
    from bench import measure

    runs = [run_one(scale, reuse=reuse) for scale in SCALES]
    report = runs[0] if len(runs) == 1 else {
        "date": started.isoformat(timespec="seconds"),
        "scales": SCALES,
        "runs": runs,
        "growth": measure.growth(runs[0], runs[-1]),
    }  # fmt: skip
    if len(runs) > 1:
        measure.print_growth(report["growth"])
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    label = "-".join(f"{scale:g}" for scale in SCALES)
    path = out_dir / f"bench-{stamp}-scale{label}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    (out_dir / "latest.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"\nReport: {path.relative_to(ROOT)}")
    if SMOKE:
        failed = [p["name"] for r in runs for p in r.get("pages", []) if p["status"] != 200]
        if failed:
            sys.exit(f"smoke: pages failed: {failed}")


def machine() -> dict:
    mem = 0
    try:
        with open("/proc/meminfo") as handle:
            mem = int(handle.readline().split()[1]) // 1024 // 1024
    except OSError:
        pass
    pg = subprocess.run(
        ["psql", DB_URL, "-tAc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "postgresql": pg,
        "host": socket.gethostname(),
    }


if __name__ == "__main__":
    main()
