"""The one exception type business rules raise; the API and the pages turn it into a message.

Each app lists its error codes in a StrEnum (`<app>/errors.py`) registered here; the OpenAPI
schema lists them (`x-error-codes` of the `Error` component).
"""

from enum import StrEnum

_catalogues: dict[str, type[StrEnum]] = {}


def register_error_codes(app: str, codes: type[StrEnum]) -> None:
    """Declare the `code` strings an app's API answers with (issue 16: one catalogue)."""
    _catalogues[app] = codes


def error_catalogue() -> dict[str, list[str]]:
    """Every registered code, by app (for the OpenAPI schema): each installed app's
    `errors` module is imported first, so none is left out for not having been loaded yet."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("errors")
    return {app: sorted(c.value for c in codes) for app, codes in sorted(_catalogues.items())}


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


class CommonError(StrEnum):
    """Codes every app answers with (the exception handler's and the shared helpers')."""

    INVALID = "invalid"
    REASON_REQUIRED = "reason_required"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    ERROR = "error"
    WRONG_STATE = "wrong_state"
    NOT_ALLOWED = "not_allowed"
    # The shared helpers' (uploads, files, bank data, dependants, exchange rates).
    ALREADY_DECIDED = "already_decided"
    BANK_ACCOUNT_INVALID = "bank_account_invalid"
    BANK_CHANGE_PENDING = "bank_change_pending"
    BANK_NAME_REQUIRED = "bank_name_required"
    BIRTH_IN_FUTURE = "birth_in_future"
    DEPENDANT_EMAIL_REQUIRED = "dependant_email_required"
    EXCHANGE_RATE_MISSING = "exchange_rate_missing"
    EXCHANGE_RATE_TOO_OLD = "exchange_rate_too_old"
    FILE_CORRUPT = "file_corrupt"
    FILE_EMPTY = "file_empty"
    FILE_ENCRYPTED = "file_encrypted"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    GUARDIAN_CONSENT_REQUIRED = "guardian_consent_required"
    IMAGE_TOO_LARGE = "image_too_large"
    NAME_REQUIRED = "name_required"
    NOTE_REQUIRED = "note_required"
    NO_PROFILE = "no_profile"
    OWN_BANK_DATA = "own_bank_data"
    PDF_TOO_MANY_PAGES = "pdf_too_many_pages"
    REPATRIATION_NOT_PAID = "repatriation_not_paid"
    SPOUSE_MINOR = "spouse_minor"
    STORAGE_UNAVAILABLE = "storage_unavailable"


register_error_codes("common", CommonError)


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

    stripped = (reason or "").strip()
    if not stripped:
        raise DomainError(
            CommonError.REASON_REQUIRED, message or _("Give the reason."), field=field
        )
    return stripped
