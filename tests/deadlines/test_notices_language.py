"""The grounds of the sanctions the deadline job records (R-3.13 entity block, R-8b payroll
deduction) are written in the organization's language (settings.LANGUAGE_CODE, Spanish), like
every other text the job writes, whatever language the process that runs the job has active."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from deadlines.enforcement import enforce_deadlines
from deadlines.models import DocumentationRequirement, Sanction
from viaticos.models import TravelerProfile

pytestmark = pytest.mark.django_db

BLOCK = "%(advance)s: not settled by %(due)s (R-3.3)"
DEDUCTION = "%(advance)s: requirement %(requirement)s of %(date)s unanswered (R-3.4, R-8b)"


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


@pytest.fixture
def spanish_catalog(monkeypatch):
    """The Spanish entries of the two grounds, as the translators add them to the catalog."""
    catalog = trans_real.translation("es")._catalog._catalogs[0]
    monkeypatch.setitem(catalog, BLOCK, "%(advance)s: no liquidado al %(due)s (R-3.3)")
    monkeypatch.setitem(
        catalog,
        DEDUCTION,
        "%(advance)s: requerimiento %(requirement)s del %(date)s sin respuesta (R-3.4, R-8b)",
    )


def test_r_3_13_r_8b_grounds_of_the_job_sanctions_are_in_the_organization_language(
    returned_mission, traveler, spanish_catalog, settings
):
    assert settings.LANGUAGE_CODE == "es"
    TravelerProfile.objects.filter(user=traveler).update(
        entity_kind=TravelerProfile.EntityKind.MEMBER_INSTITUTION, entity_name="INSIVUMEH"
    )
    advance = returned_mission().advances.get()

    with translation.override("en"):  # e.g. run from a shell or a worker left in English
        enforce_deadlines(today=dt.date(2026, 3, 13))
        enforce_deadlines(today=dt.date(2026, 3, 23))

    requirement = DocumentationRequirement.objects.get()
    block = Sanction.objects.get(kind=Sanction.Kind.MEMBER_INSTITUTION_BLOCK)
    deduction = Sanction.objects.get(kind=Sanction.Kind.PAYROLL_DEDUCTION)
    assert block.reason == f"{advance.code}: no liquidado al 12/03/2026 (R-3.3)"
    assert deduction.reason == (
        f"{advance.code}: requerimiento {requirement.code} del 13/03/2026 sin respuesta "
        "(R-3.4, R-8b)"
    )
    assert translation.get_language() != "en"  # the job leaves the caller's language alone


def test_grounds_of_the_job_sanctions_follow_the_organization_language_setting(
    returned_mission, traveler, spanish_catalog, settings
):
    """An organization configured in English gets them in English, even from a Spanish
    process: the language is the organization's, not the caller's."""
    settings.LANGUAGE_CODE = "en"
    TravelerProfile.objects.filter(user=traveler).update(
        entity_kind=TravelerProfile.EntityKind.CO_EXECUTING, entity_name="Entidad"
    )
    advance = returned_mission().advances.get()

    with translation.override("es"):
        enforce_deadlines(today=dt.date(2026, 3, 13))

    block = Sanction.objects.get(kind=Sanction.Kind.CO_EXECUTING_BLOCK)
    assert block.reason == f"{advance.code}: not settled by 12/03/2026 (R-3.3)"
