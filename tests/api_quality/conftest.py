import pytest
from django.core.cache import cache

from tests.api_quality import dataset


@pytest.fixture(scope="module")
def quality_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The dataset, built once per module (per xdist worker) inside a transaction rolled back
    at the end; each test runs in its own savepoint (pytest-django's `db`)."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("quality-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield dataset.build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def data(db, quality_data, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()  # rate limits of the public ARCO endpoints count per address
    yield quality_data
    cache.clear()
