"""The state machine of settlements (issue 16): written once, read by `settlements.services`
(guards), `settlements.access.settlement_actions` (what a user may do) and the traveler's next
step on the mission pages (registered in missions.hooks).

Guard names (predicates in settlements.access): `traveler` (the mission's traveler),
`assistant` (the Accounting Assistant), `accountant` (the General Accountant),
`exception_approver` (R-2h); never on one's own settlement. `system` rows are moved by another
service (the ledger closes a settled settlement that owes nothing).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from settlements.models import Settlement
from viaticos.transitions import SYSTEM, Table, rows

S = Settlement.Status

WITH_ACCOUNTING = _("Your settlement is with Accounting.")

SETTLEMENT = Table(
    "settlement",
    [
        rows([S.DRAFT, S.RETURNED], "edit", None, "traveler"),
        # R-2a: with proof of travel and the mission report.
        rows([S.DRAFT], "submit", S.SUBMITTED, "traveler"),
        rows(
            [S.RETURNED],
            "submit",
            S.SUBMITTED,
            "traveler",
            step=_("Your settlement was returned: correct it and submit it again."),
        ),
        # received and stamped by the Accounting Assistant.
        rows([S.SUBMITTED], "receive", S.RECEIVED, "assistant", step=WITH_ACCOUNTING),
        # The assistant returns what it has not received yet; the accountant what it reviews.
        rows([S.SUBMITTED], "return", S.RETURNED, "assistant"),
        rows([S.RECEIVED, S.REVIEWED], "return", S.RETURNED, "accountant"),
        # a stamping run that failed is started again.
        rows(
            [S.RECEIVED, S.REVIEWED, S.SETTLED, S.CLOSED],
            "stamp_again",
            None,
            "assistant",
            when="stamping_failed",
        ),
        rows([S.RECEIVED], "review", None, "accountant"),
        rows([S.RECEIVED], "finish_review", S.REVIEWED, "accountant", step=WITH_ACCOUNTING),
        # the balance is fixed.
        rows([S.REVIEWED], "settle", S.SETTLED, "accountant", step=WITH_ACCOUNTING),
        # the balance returned or reimbursed; the ledger then closes it.
        rows(
            [S.SETTLED],
            "record_balance",
            None,
            "accountant",
            step=_("Your settlement was accepted: see “What I owe” for the balance."),
        ),
        rows([S.SETTLED], "close", S.CLOSED, SYSTEM),
        # R-2h: a non-eligible expense approved until the settlement is settled.
        rows(
            [S.DRAFT, S.SUBMITTED, S.RECEIVED, S.REVIEWED, S.RETURNED],
            "approve_exception",
            None,
            "exception_approver",
        ),
    ],
    verbs={
        "edit": _("changed"),
        "submit": _("changed"),
        "receive": _("received"),
        "return": _("returned"),
        "stamp_again": _("stamped again"),
        "review": _("reviewed"),
        "finish_review": _("reviewed"),
        "settle": _("settled"),
        "record_balance": _("closed"),
        "close": _("closed"),
        "approve_exception": _("changed"),
    },
    conditions={
        "stamping_failed": lambda settlement: settlement.stamping == Settlement.Stamping.FAILED
    },
    # Its own context: the missions catalogue words the same English sentence for its verbs
    # ("No se puede autorizar …"), which would read "No se puede recibida …" here.
    wrong_state_sentence=pgettext_lazy(
        "settlement",
        "%(code)s cannot be %(action)s: it is “%(status)s”. Reload the page to see its state.",
    ),
)


def traveler_step(status: str | None) -> str:
    """The settlement's next step for its traveler, "" when it has none to say (not started,
    a draft, closed)."""
    return SETTLEMENT.first_step(status) if status else ""
