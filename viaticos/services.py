"""What every app's services share (STYLE.md "Writes"): lock the row, refuse an action in the
wrong state or to the wrong person, save with who and why in the history, and run side effects
after commit. Each app's `services.py` uses these instead of its own copies (issue 16)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils.translation import gettext as _

from viaticos.errors import CommonError, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)


def lock(obj: M, *, no_key: bool = False) -> M:
    """The row of `obj` again, locked until the transaction ends (select_for_update), so the
    status checked next is the one the write sees. No joins: PostgreSQL refuses FOR UPDATE on
    nullable outer joins; related rows load lazily."""
    # _meta.model, not type(obj): request.user is a lazy proxy of the user.
    model = cast("type[M]", obj._meta.model)
    return model._default_manager.select_for_update(no_key=no_key).get(pk=obj.pk)


def save(
    obj: models.Model,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    reason: str,
    fields: Sequence[str],
) -> None:
    """Save `fields` of `obj`, recording `actor` and `reason` in its history
    (django-simple-history's history_user and change reason). A model with an `updated_at`
    stamp has it saved too."""
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    update_fields = list(fields)
    if _has_updated_at(type(obj)) and "updated_at" not in update_fields:
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)


def _has_updated_at(model: type[models.Model]) -> bool:
    return any(
        field.name == "updated_at" and getattr(field, "auto_now", False)
        for field in model._meta.concrete_fields
    )


def wrong_state(obj: Any, action: str, sentence: str | None = None) -> DomainError:
    """The object is not in a state where `action` (a translated past participle: "submitted")
    can happen; the user's page is probably stale. `sentence`: a kind of object's own wording of
    the message (a settlement's Spanish differs from a mission's)."""
    sentence = sentence or _(
        "%(code)s cannot be %(action)s: it is “%(status)s”. Reload the page to see its state."
    )
    return DomainError(
        CommonError.WRONG_STATE,
        sentence % {"code": obj.code, "action": action, "status": obj.get_status_display()},
    )


def not_allowed(message: StrOrPromise) -> NotAllowed:
    """The user may see the object but not take this action on it (403)."""
    return NotAllowed(CommonError.NOT_ALLOWED, str(message))


def on_commit(fn: Callable[[], object]) -> None:
    """Run a side effect (e-mail, file deletion, a task) once the transaction commits; never
    when it rolls back."""
    transaction.on_commit(fn)


def delete_files_on_commit(names: Iterable[str]) -> None:
    """Delete stored files once the rows that referenced them are gone for good."""
    stored = [name for name in names if name]

    def delete() -> None:
        for name in stored:
            default_storage.delete(name)

    if stored:
        on_commit(delete)
