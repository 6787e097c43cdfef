"""viaticos.choices: `get_FOO_display()` answers exactly what Django's own implementation
answers, for every field with choices in the project's apps, in Spanish and in English."""

from __future__ import annotations

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from viaticos import choices

PROJECT_APPS = ["viaticos", "missions", "settlements", "privacy"]


def fields_with_choices():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.fields:
                if field.choices and f"get_{field.name}_display" in model.__dict__:
                    yield model, field


def test_every_display_method_of_the_project_uses_the_cached_labels():
    found = list(fields_with_choices())
    assert len(found) > 20
    for model, field in found:
        method = model.__dict__[f"get_{field.name}_display"]
        assert isinstance(method, partialmethod)
        assert method.func is choices._get_FIELD_display, f"{model.__name__}.{field.name}"


@pytest.mark.parametrize("language", ["es", "en"])
def test_display_equals_djangos_for_every_choice_and_an_unknown_value(language):
    with translation.override(language):
        for model, field in fields_with_choices():
            for value in [value for value, _label in field.flatchoices] + ["not-a-choice"]:
                instance = model()
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                djangos = models.Model._get_FIELD_display(instance, field=field)
                assert ours == djangos, (model.__name__, field.name, value)


def test_display_follows_the_active_language():
    from missions.models import Mission

    mission = Mission(status=Mission.Status.SUBMITTED)
    with translation.override("en"):
        english = mission.get_status_display()
    with translation.override("es"):
        spanish = mission.get_status_display()
    assert english != spanish
    with translation.override("en"):
        assert english == str(Mission.Status.SUBMITTED.label)
