"""Writes for missions and per-diem data: one function per business action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.models import Destination, Quote
from viaticos.errors import DomainError
from viaticos.roles import Role, has_role


@transaction.atomic
def quote_record(
    *,
    by,
    destination: Destination,
    lodging: Decimal,
    meals: Decimal,
    source: str,
    valid_from: dt.date,
    valid_to: dt.date,
    comment: str = "",
) -> Quote:
    """R-3.8b: record a quote for a destination outside the table; it starts as proposed."""
    if lodging < 0 or meals < 0:
        raise DomainError("negative_amount", _("Amounts cannot be negative."), field="lodging")
    if valid_to < valid_from:
        raise DomainError(
            "invalid_validity", _("The end of validity is before its start."), field="valid_to"
        )
    if not (source or "").strip():
        raise DomainError(
            "source_required",
            _("Say where the amounts come from (the quote's source)."),
            field="source",
        )
    quote = Quote(
        destination=destination,
        lodging=lodging,
        meals=meals,
        source=source.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        requested_by=by,
        comment=comment,
    )
    quote._history_user = by
    quote._change_reason = "quote_record"
    quote.save()
    return quote


def _decide(*, quote: Quote, by, status: str, comment: str, reason: str) -> Quote:
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if not has_role(by, Role.FINANCE_DIRECTOR):
        raise DomainError("not_allowed", _("Only the Finance Director decides on quotes (R-3.8b)."))
    if quote.requested_by_id == by.pk:
        raise DomainError(
            "own_request", _("Nobody can decide on a quote they recorded themselves.")
        )
    if quote.status != Quote.Status.PROPOSED:
        raise DomainError(
            "already_decided",
            _("This quote was already %(status)s.") % {"status": quote.get_status_display()},
        )
    quote.status = status
    quote.decided_by = by
    quote.decided_at = timezone.now()
    quote.comment = comment
    quote._history_user = by
    quote._change_reason = reason
    quote.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    return quote


@transaction.atomic
def quote_approve(*, quote: Quote, by, comment: str = "") -> Quote:
    """R-3.8b: the Finance Director approves a proposed quote (never their own); from then on it
    feeds the per diem for the dates it covers."""
    return _decide(
        quote=quote, by=by, status=Quote.Status.APPROVED, comment=comment, reason="quote_approve"
    )


@transaction.atomic
def quote_reject(*, quote: Quote, by, comment: str) -> Quote:
    """R-3.8b: the Finance Director rejects a proposed quote, with a reason."""
    if not (comment or "").strip():
        raise DomainError(
            "reason_required", _("Give the reason for the rejection."), field="comment"
        )
    return _decide(
        quote=quote, by=by, status=Quote.Status.REJECTED, comment=comment, reason="quote_reject"
    )
