"""The one exception type business rules raise; the API and the pages turn it into a message."""


class DomainError(Exception):
    """A business rule refused an action.

    `code` is stable and machine-readable (API clients and tests rely on it); `message` is
    already translated (pass a gettext string) and is what the user reads.
    """

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    """The user may see the object but their role does not allow this action (403)."""

    status = 403


class ServiceUnavailable(DomainError):
    """A service the action needs (the file storage) does not answer: nothing was saved, and
    the same action can be tried again later (503)."""

    status = 503


def require_reason(reason: str | None, *, field: str = "reason", message: str | None = None) -> str:
    """A decision that needs a reason (rejection, return, stop, lift): the stripped reason."""
    from django.utils.translation import gettext as _

    if not (reason or "").strip():
        raise DomainError("reason_required", message or _("Give the reason."), field=field)
    return reason.strip()
