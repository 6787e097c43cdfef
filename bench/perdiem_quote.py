"""Benchmark (not a test): how long a 30-day per-diem quote takes in the engine and via the API.

Run: .venv/bin/python bench/perdiem_quote.py  (uses an in-memory SQLite test database)
"""

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viaticos.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from missions.perdiem import DailyRate, Leg, compute_per_diem  # noqa: E402

ROUNDS_ENGINE = 2000
ROUNDS_API = 200


def timed(fn, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    departure, back = dt.datetime(2026, 3, 1, 7, 30), dt.datetime(2026, 3, 30, 19, 0)
    covered = {dt.date(2026, 3, d): ["lunch"] for d in range(2, 30, 3)}
    rate = DailyRate(Decimal("80.00"), Decimal("40.00"))

    def engine():
        return compute_per_diem(
            departure_at=departure,
            return_at=back,
            legs=[Leg(departure.date(), rate, "SV-SAL")],
            meals_covered=covered,
            sponsor_daily_amount=Decimal("25.00"),
        )

    lines = len(engine().lines)
    median, p95 = timed(engine, ROUNDS_ENGINE)
    print(f"30-day quote, {lines} lines")
    print(f"  engine: median {median * 1e3:.3f} ms, p95 {p95 * 1e3:.3f} ms ({ROUNDS_ENGINE} runs)")

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    call_command("loaddata", "rates_seed", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-pass-123")
    client = APIClient()
    client.force_authenticate(user)
    body = {
        "destination": "SV-SAL",
        "departure_at": departure.isoformat(),
        "return_at": back.isoformat(),
        "meals_covered": {day.isoformat(): meals for day, meals in covered.items()},
        "sponsor_daily_amount": "25.00",
    }

    def api():
        response = client.post("/api/v1/per-diem/quote/", body, format="json")
        assert response.status_code == 200, response.content

    api()
    median, p95 = timed(api, ROUNDS_API)
    print(
        f"  API (Django test client, SQLite in memory): median {median * 1e3:.2f} ms, "
        f"p95 {p95 * 1e3:.2f} ms ({ROUNDS_API} runs)"
    )


if __name__ == "__main__":
    main()
