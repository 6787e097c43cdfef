"""Turn the engine's PerDiemError codes into DomainErrors with messages in the user's language."""

from django.utils.translation import gettext as _

from missions.perdiem import PerDiemError
from viaticos.errors import DomainError


def perdiem_error_message(error: PerDiemError) -> str:
    p = error.params
    messages = {
        "return_before_departure": lambda: _("The return must be after the departure."),
        "unknown_destination": lambda: _("Unknown destination “%(destination)s”.")
        % {"destination": p.get("destination", "")},
        "rate_requires_quote": lambda: _(
            "“%(destination)s” has no rate in the table: record a quote and have the Finance "
            "Director approve it before the trip (R-3.8b)."
        )
        % {"destination": p.get("destination", "")},
        "complement_not_eligible": lambda: _(
            "The sponsor complement applies only to events of at most %(max)s calendar days; "
            "this one lasts %(days)s (R-6)."
        )
        % {"max": p.get("max_days"), "days": p.get("days")},
        "unknown_meal_time": lambda: _(
            "“%(meal)s” is not a meal time; use lunch or dinner (breakfast is included in lodging)."
        )
        % {"meal": p.get("meal")},
        "meal_date_outside_mission": lambda: _(
            "%(date)s is outside the mission dates; covered meals must fall within the trip."
        )
        % {"date": p.get("date")},
        "negative_amount": lambda: _("Amounts cannot be negative."),
    }
    build = messages.get(error.code)
    return build() if build else _("The per diem cannot be computed for these values.")


FIELDS = {
    "return_before_departure": "return_at",
    "unknown_destination": "destination",
    "rate_requires_quote": "destination",
    "complement_not_eligible": "sponsor_daily_amount",
    "unknown_meal_time": "meals_covered",
    "meal_date_outside_mission": "meals_covered",
}


def to_domain_error(error: PerDiemError) -> DomainError:
    field = error.params.get("field") or FIELDS.get(error.code)
    return DomainError(error.code, perdiem_error_message(error), field=field)
