import os

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import UserFactory
from viaticos.roles import Role

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Login throttling is tested on its own (tests/viaticos/test_hardening.py); elsewhere it would
# stop client.login(), which authenticates without a request.
settings.AXES_ENABLED = False


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
def _fresh_rate_cache():
    """A rolled-back test fires no post_delete: forget the per-process rate cache ourselves."""
    from missions.rates import rate_cache_clear

    rate_cache_clear()


@pytest.fixture(autouse=True)
def _privacy_prompt_only_in_privacy_tests(request, settings):
    """The first-login notice prompt (R-P2) would redirect every page; it is tested in
    tests/privacy, and switched off elsewhere so other apps' page tests stay direct."""
    if "privacy" not in request.node.path.parts:
        settings.PRIVACY_CONSENT_PROMPT = False
