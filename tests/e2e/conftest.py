"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server."""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import PASSWORD

SHOTS = Path(os.environ.get("E2E_SHOTS", Path(__file__).resolve().parents[2] / "var" / "e2e-shots"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the ORM calls in the tests are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(locale="es-PE", phone=False):
        if phone:  # a 390-px phone: touch, mobile layout, the camera hint on file inputs
            context = browser.new_context(
                locale=locale,
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
            )
        else:
            context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)  # a failing step fails fast; pages take < 1 s
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request):
    folder = SHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def sign_in(live_server):
    def do(page, user):
        page.goto(f"{live_server.url}/cuenta/ingresar/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{live_server.url}/")

    return do


@pytest.fixture(autouse=True)
def _e2e_env(settings, tmp_path):
    """Uploaded files go to a temporary folder; rate limits and throttling start afresh."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(seed_rates, coordinator, executive_secretary):
    """Reference data only (SPEC §2): the organization, the rate tables and one project whose
    coordinator is `coordinator`. The story itself is then driven through the pages."""
    from missions.models import BudgetLine
    from tests.factories import OrganizationFactory, ProjectFactory

    OrganizationFactory()
    project = ProjectFactory(code="PREVDA", name="Gestión de riesgos", coordinator=coordinator)
    # SPEC §2.5: the donor-approved line the missions are charged to.
    BudgetLine.objects.create(
        project=project,
        code="2.1.3",
        description="Pasajes y viáticos",
        amount=Decimal("100000.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    return project


@pytest.fixture
def people(
    traveler,
    coordinator,
    finance_director,
    executive_secretary,
    treasurer,
    accounting_assistant,
    accountant,
):
    """Full names make the pages read naturally (and the timelines show who did what)."""
    names = {
        traveler: ("Lucía", "Quispe"),
        coordinator: ("Carlos", "Huamán"),
        finance_director: ("Jorge", "Salas"),
        executive_secretary: ("María", "Torres"),
        treasurer: ("Sofía", "Rojas"),
        accounting_assistant: ("Diego", "Paredes"),
        accountant: ("Elena", "Vargas"),
    }
    for user, (first, last) in names.items():
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return names


@pytest.fixture
def story(new_page, sign_in, people, reference_data, request):
    """Signed-in pages by role name: story.page("coordinator"), opened on first use."""
    from tests.e2e.steps import Story

    users = {
        name: request.getfixturevalue(name)
        for name in (
            "traveler",
            "coordinator",
            "finance_director",
            "executive_secretary",
            "treasurer",
            "accounting_assistant",
            "accountant",
        )
    }
    return Story(new_page, sign_in, users)


@pytest.fixture(scope="session", autouse=True)
def _live_server_stops_before_the_test_database(django_db_setup, live_server):
    """Set up after the test database, so torn down before it: the live server's thread closes
    its connections first and PostgreSQL can drop the database without waiting on them."""
    yield
