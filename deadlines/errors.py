"""The error codes of the deadlines app (API `code` field): stable strings clients rely on."""

from enum import StrEnum

from viaticos.errors import register_error_codes


class DeadlinesError(StrEnum):
    ADVANCE_NOT_OF_MISSION = "advance_not_of_mission"
    ADVANCE_REQUIRED = "advance_required"
    ALREADY_EXPORTED = "already_exported"
    ALREADY_SETTLED = "already_settled"
    AMOUNT_REQUIRED = "amount_required"
    ANSWER_TOO_LONG = "answer_too_long"
    ENTITY_BLOCKED = "entity_blocked"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_FORMAT = "invalid_format"
    INVALID_PERIOD = "invalid_period"
    KIND_NOT_MANUAL = "kind_not_manual"
    MISSION_NOT_FOUND = "mission_not_found"
    MISSION_NOT_OF_PERSON = "mission_not_of_person"
    NOTHING_OWED = "nothing_owed"
    NOTHING_TO_EXPORT = "nothing_to_export"
    NOT_ALLOWED = "not_allowed"
    NOT_CO_EXECUTING = "not_co_executing"
    NOT_MEMBER_INSTITUTION = "not_member_institution"
    ORDER_WAITING = "order_waiting"
    OWN_SANCTION = "own_sanction"
    SANCTION_EXISTS = "sanction_exists"
    TRAVELER_NOT_HEARD = "traveler_not_heard"
    WRONG_STATE = "wrong_state"


register_error_codes("deadlines", DeadlinesError)
