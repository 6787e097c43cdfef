"""The error codes of missions and advances, delegations, quotes, budget lines and the per-diem
engine (its codes reach the API through missions.perdiem_messages): the API `code` field, stable
strings clients rely on (issue 16: one catalogue, listed in the OpenAPI schema)."""

from enum import StrEnum

from viaticos.errors import register_error_codes


class MissionsError(StrEnum):
    ADVANCE_EXISTS = "advance_exists"
    ADVANCE_PENDING_SETTLEMENT = "advance_pending_settlement"
    ALREADY_DECIDED = "already_decided"
    ALREADY_ENDED = "already_ended"
    BEFORE_DEPARTURE = "before_departure"
    BUDGET_LINE_EXCEEDED = "budget_line_exceeded"
    BUDGET_LINE_MISSING = "budget_line_missing"
    BUDGET_LINE_OTHER_PROJECT = "budget_line_other_project"
    BUDGET_LINE_SET = "budget_line_set"
    BUDGET_OVERRIDE_NOT_NEEDED = "budget_override_not_needed"
    COMPLEMENT_NOT_ELIGIBLE = "complement_not_eligible"
    DELEGATE_FILLS_BOTH = "delegate_fills_both"
    DELEGATE_OWN_REQUEST = "delegate_own_request"
    DESTINATION_IS_DUTY_STATION = "destination_is_duty_station"
    INVALID_DELEGATE = "invalid_delegate"
    INVALID_METHOD = "invalid_method"
    INVALID_VALIDITY = "invalid_validity"
    INVALID_WINDOW = "invalid_window"
    INVITATION_MISSING = "invitation_missing"
    ITINERARY_EMPTY = "itinerary_empty"
    ITINERARY_NOT_BACK_TO_DUTY_STATION = "itinerary_not_back_to_duty_station"
    ITINERARY_NOT_FROM_DUTY_STATION = "itinerary_not_from_duty_station"
    ITINERARY_TOO_LONG = "itinerary_too_long"
    LEGS_OVERLAP = "legs_overlap"
    LEG_DATES_OUT_OF_ORDER = "leg_dates_out_of_order"
    MEAL_DATE_OUTSIDE_MISSION = "meal_date_outside_mission"
    MISSION_NOT_AUTHORIZED = "mission_not_authorized"
    MISSION_TOO_LONG = "mission_too_long"
    NEGATIVE_AMOUNT = "negative_amount"
    NOT_AN_APPROVER = "not_an_approver"
    NOT_REQUESTER = "not_requester"
    OVERLAPPING_DELEGATION = "overlapping_delegation"
    OVERLAPPING_MISSION = "overlapping_mission"
    OWN_REQUEST = "own_request"
    PERIOD_ORDER = "period_order"
    PROJECT_INACTIVE = "project_inactive"
    RATE_REQUIRES_QUOTE = "rate_requires_quote"
    REFERENCE_REQUIRED = "reference_required"
    RELOCATION_ALREADY_USED = "relocation_already_used"
    RETURN_BEFORE_DEPARTURE = "return_before_departure"
    SAME_PERSON = "same_person"
    SETTLEMENT_STARTED = "settlement_started"
    SOURCE_REQUIRED = "source_required"
    SPONSOR_AMOUNT_MISSING = "sponsor_amount_missing"
    UNKNOWN_BUDGET_LINE = "unknown_budget_line"
    UNKNOWN_DESTINATION = "unknown_destination"
    UNKNOWN_MEAL_TIME = "unknown_meal_time"


register_error_codes("missions", MissionsError)
