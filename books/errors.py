"""The error codes of the books (journal, reports): the API `code` field, stable strings clients
rely on (issue 16: one catalogue, listed in the OpenAPI schema)."""

from enum import StrEnum

from viaticos.errors import register_error_codes


class BooksError(StrEnum):
    ALREADY_REVERSED = "already_reversed"
    INVALID_PERIOD = "invalid_period"
    REVERSAL_OF_REVERSAL = "reversal_of_reversal"


register_error_codes("books", BooksError)
