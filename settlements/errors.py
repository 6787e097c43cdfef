"""The error codes of settlements, receipts, documents and stamping: the API `code` field, stable
strings clients rely on (issue 16: one catalogue, listed in the OpenAPI schema)."""

from enum import StrEnum

from viaticos.errors import register_error_codes


class SettlementsError(StrEnum):
    AMOUNT_REQUIRED = "amount_required"
    DOCUMENTS_MISSING = "documents_missing"
    DRAFTS_PENDING = "drafts_pending"
    DUPLICATE_RECEIPT_FILE = "duplicate_receipt_file"
    DUPLICATE_RECEIPT_NUMBER = "duplicate_receipt_number"
    EXCEPTION_ALREADY_APPROVED = "exception_already_approved"
    EXCHANGE_RATE_PENDING = "exchange_rate_pending"
    EXTENSION_NOT_LATER = "extension_not_later"
    FILE_CORRUPT = "file_corrupt"
    FILE_ENCRYPTED = "file_encrypted"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    INVALID_CATEGORY = "invalid_category"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_CUT = "invalid_cut"
    INVALID_DECISION = "invalid_decision"
    INVALID_KIND = "invalid_kind"
    INVALID_TYPE = "invalid_type"
    ISSUER_REQUIRED = "issuer_required"
    ISSUER_TAX_ID_REQUIRED = "issuer_tax_id_required"
    LINES_PENDING = "lines_pending"
    MISSION_NOT_RETURNED = "mission_not_returned"
    NEGATIVE_AMOUNT = "negative_amount"
    NOT_AN_EXCEPTION = "not_an_exception"
    NOT_STAMPED = "not_stamped"
    NO_SUCH_LINE = "no_such_line"
    NUMBER_REQUIRED = "number_required"
    OWN_SETTLEMENT = "own_settlement"
    REASONS_MISSING = "reasons_missing"
    RECEIPT_FILE_REQUIRED = "receipt_file_required"
    RETURN_BEFORE_DEPARTURE = "return_before_departure"
    RETURN_IN_THE_FUTURE = "return_in_the_future"
    SETTLEMENT_EXISTS = "settlement_exists"
    STAMPING = "stamping"
    STAMPING_FAILED = "stamping_failed"
    TIMES_OUTSIDE_AUTHORIZATION = "times_outside_authorization"


register_error_codes("settlements", SettlementsError)
