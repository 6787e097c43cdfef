"""`get_FOO_display()` without re-translating every choice on every call.

Django's implementation builds `dict(make_hashable(field.flatchoices))` on each call, and hashing
a lazily translated label translates it: a status field with ten choices costs ten gettext
lookups per call. List pages call it several times per row, which made it the largest single
cost of rendering a 50-row page (benchmark, issue 9). Here the value → label mapping is built
once per field; the labels stay lazy, so each call still answers in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_labels: dict[int, dict[Any, Any]] = {}


def _labels_of(field: models.Field[Any, Any]) -> dict[Any, Any]:
    labels = _labels.get(id(field))
    if labels is None:
        # Keys only are hashed; the lazy labels are stored untranslated.
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        if not isinstance(field.choices, CallableChoiceIterator):  # fixed choices: keep
            _labels[id(field)] = labels
    return labels


def _get_FIELD_display(self: models.Model, field: models.Field[Any, Any]) -> object:
    value = getattr(self, field.attname)
    return force_str(_labels_of(field).get(make_hashable(value), value), strings_only=True)


def install(app_labels: Iterable[str]) -> None:
    """Point the `get_FOO_display` methods of these apps' models at the cached version; a model
    that defines its own `get_FOO_display` keeps it. Called from ViaticosConfig.ready()."""
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.fields:
                name = f"get_{field.name}_display"
                method = model.__dict__.get(name)
                if (
                    isinstance(method, partialmethod)
                    # Django's private method behind get_FOO_display(), absent from django-stubs.
                    and method.func is models.Model._get_FIELD_display  # type: ignore[attr-defined]
                ):
                    setattr(model, name, partialmethod(_get_FIELD_display, field=field))
