import importlib.util
import os

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory
from tests.s3 import moto_endpoint, s3_storage  # noqa: F401  (object-storage fixtures)
from viaticos.roles import Role

# The browser journeys need Playwright, which only `make e2e` installs; `make test` deselects
# them anyway (-m 'not e2e'), so without Playwright they are not even imported.
if importlib.util.find_spec("playwright") is None:
    collect_ignore_glob = ["e2e/*"]

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Login throttling is tested on its own (tests/viaticos/test_hardening.py); elsewhere it would
# stop client.login(), which authenticates without a request.
settings.AXES_ENABLED = False

# Properties are about values, not speed: on a loaded 2-core CI machine a slow example is not a
# failure (timings are measured by `make bench`, never by tests).
hypothesis_settings.register_profile(
    "viaticos", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("viaticos")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip visibly on SQLite, and fail in CI where PostgreSQL is required."""
    for item in items:
        if item.get_closest_marker("postgres"):
            item.fixturenames.append("_require_postgres")


@pytest.fixture
def _require_postgres(db):
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("This test needs PostgreSQL and CI must run it there (set DATABASE_URL).")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture
def traveler(db):
    return UserFactory(username="lucia", roles=[Role.TRAVELER], profile=True)


@pytest.fixture
def other_traveler(db):
    return UserFactory(username="rosa", roles=[Role.TRAVELER], profile=True)


@pytest.fixture
def coordinator(db):
    return UserFactory(username="carlos", roles=[Role.PROJECT_COORDINATOR])


@pytest.fixture
def finance_director(db):
    return UserFactory(username="jorge", roles=[Role.FINANCE_DIRECTOR])


@pytest.fixture
def executive_secretary(db):
    return UserFactory(username="maria", roles=[Role.EXECUTIVE_SECRETARY])


@pytest.fixture
def accountant(db):
    return UserFactory(username="elena", roles=[Role.GENERAL_ACCOUNTANT])


@pytest.fixture
def accounting_assistant(db):
    return UserFactory(username="diego", roles=[Role.ACCOUNTING_ASSISTANT])


@pytest.fixture
def treasurer(db):
    return UserFactory(username="sofia", roles=[Role.TREASURY])


@pytest.fixture
def privacy_officer(db):
    return UserFactory(username="julia", roles=[Role.PRIVACY_OFFICER])


@pytest.fixture
def auditor(db):
    return UserFactory(username="raul", roles=[Role.AUDITOR])


@pytest.fixture
def outsider(db):
    """A signed-in user with no role at all."""
    return UserFactory(username="nadie", roles=[])


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def seed_rates(db):
    from django.core.management import call_command

    call_command("loaddata", "rates_seed", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """A rolled-back test fires no post_delete and leaves the data it cached behind (rates,
    the dashboard's spend charts): every test starts with empty per-process caches."""
    from django.core.cache import cache

    from missions.rates import rate_cache_clear

    rate_cache_clear()
    cache.clear()


@pytest.fixture(autouse=True)
def _privacy_prompt_only_in_privacy_tests(request, settings):
    """The privacy notice banner (R-P2) would add itself to every page; it is tested in
    tests/privacy, and switched off elsewhere so other apps' pages are tested as they are."""
    if "privacy" not in request.node.path.parts:
        settings.PRIVACY_CONSENT_PROMPT = False


@pytest.fixture(autouse=True)
def _erasure_log_per_test(settings, tmp_path):
    """Erasures are logged outside the database (privacy/erasures.py): a file per test."""
    settings.PRIVACY_ERASURE_LOG = str(tmp_path / "erasures.jsonl")


# Figures of the quality gates (API fuzzing, bad inputs), printed at the end of every run so CI
# shows them; tests report them through `record_property`, which also crosses xdist workers.
_QUALITY: dict[str, list] = {"fuzz": [], "bad_input": []}


def pytest_runtest_logreport(report):
    if report.when == "call":
        for name, value in report.user_properties:
            if name in _QUALITY:
                _QUALITY[name].append(value)


def pytest_terminal_summary(terminalreporter):
    fuzz, bad = _QUALITY["fuzz"], _QUALITY["bad_input"]
    if fuzz:
        total = {k: sum(f.get(k, 0) for f in fuzz) for k in ("requests", "2xx", "4xx", "5xx")}
        terminalreporter.write_sep("-", "API fuzzing (schemathesis)")
        for f in sorted(fuzz, key=lambda f: f["who"]):
            terminalreporter.write_line(
                f"{f['who']:>22}: {f.get('operations', 0)} operations, "
                f"{f.get('requests', 0)} requests (2xx {f.get('2xx', 0)}, 4xx {f.get('4xx', 0)},"
                f" 5xx {f.get('5xx', 0)}) in {f.get('seconds', 0)} s"
            )
        terminalreporter.write_line(
            f"schemathesis: {total['requests']} requests, {total['5xx']} 5xx, "
            f"{len(fuzz)} identities, 2xx {total['2xx']}, 4xx {total['4xx']}"
        )
    if bad:
        passed = sum(1 for ok in bad if ok)
        terminalreporter.write_line(f"bad inputs: {len(bad)} tried, {passed} refused cleanly")


def _fresh_connections():
    from viaticos.celery import app as celery_app

    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    """Point settings and the Celery app at `url` (a fresh connection pool each time)."""
    from viaticos.celery import app as celery_app

    previous = celery_app.conf.broker_url

    def use(url: str):
        settings.CELERY_BROKER_URL = url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = False
        _fresh_connections()

    yield use
    settings.CELERY_BROKER_URL = ""
    celery_app.conf.broker_url = previous
    celery_app.conf.task_always_eager = True
    _fresh_connections()
