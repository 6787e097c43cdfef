"""The state machines of missions and advances (issue 16): written once, read by
`missions.services` (guards), `missions.access` (the actions a user may take) and
`missions.selectors.mission_next_step` (what has to happen next).

Guard names (predicates in missions.access): `traveler` (the mission's own traveler),
`approver` (whoever may fill an approval slot, R-3.1s/R-3.1d), `manager` (the mission's Project
Coordinator or the Executive Secretary, not the traveler), `finance_director`, `treasury`
(never on their own advance); `system` rows are moved by another service.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from missions.models import Advance, Mission
from viaticos.transitions import SYSTEM, Table, rows

MS = Mission.Status
AS = Advance.Status

MISSION = Table(
    "mission",
    [
        rows([MS.DRAFT], "edit", None, "traveler"),
        rows([MS.REJECTED], "edit", None, "traveler"),
        rows(
            [MS.DRAFT],
            "submit",
            MS.SUBMITTED,
            "traveler",
            step=_("Complete it and submit it for authorization."),
        ),
        rows(
            [MS.REJECTED],
            "submit",
            MS.SUBMITTED,
            "traveler",
            step=_("Correct it following the reason given and submit it again."),
        ),
        # R-3.11c: the invitation letter can still come while the mission waits or is authorized.
        rows(
            [MS.DRAFT, MS.REJECTED, MS.SUBMITTED, MS.AUTHORIZED],
            "attach_invitation",
            None,
            "traveler",
        ),
        # §2.4: both slots (Project Coordinator, Executive Secretary) before AUTHORIZED.
        rows(
            [MS.SUBMITTED],
            "authorize",
            MS.AUTHORIZED,
            "approver",
            step=_("Waiting for authorization by: %(who)s."),
        ),
        rows([MS.SUBMITTED], "reject", MS.REJECTED, "approver"),
        # SPEC §2.5: shown when the line is short.
        rows(
            [MS.SUBMITTED, MS.AUTHORIZED],
            "budget_override",
            None,
            "finance_director",
            when="has_line",
        ),
        # R-3.11b: an advance only for an authorized (or started) mission.
        rows(
            [MS.AUTHORIZED],
            "request_advance",
            None,
            "traveler",
            step=_("Request the advance if you need one, then start the mission."),
        ),
        rows([MS.IN_PROGRESS], "request_advance", None, "traveler"),
        # R-2e: only an authorized mission starts.
        rows(
            [MS.AUTHORIZED],
            "start",
            MS.IN_PROGRESS,
            "traveler",
            step=_("Start the mission on the departure day."),
        ),
        rows(
            [MS.IN_PROGRESS],
            "return",
            MS.RETURNED,
            "traveler",
            step=_("Mark your return when you are back at the duty station."),
        ),
        # stops.
        rows([MS.AUTHORIZED, MS.IN_PROGRESS], "suspend", MS.SUSPENDED, "manager"),
        rows([MS.DRAFT], "cancel", MS.CANCELLED, "traveler"),
        rows(
            [MS.SUBMITTED, MS.REJECTED, MS.AUTHORIZED],
            "cancel",
            MS.CANCELLED,
            ("traveler", "manager"),
        ),
        # Closed by its settlement (settlements), or after a stop.
        rows(
            [MS.RETURNED],
            "close",
            MS.CLOSED,
            SYSTEM,
            step=_("Submit the settlement with the travel evidence and the mission report."),
        ),
        rows([MS.SUSPENDED, MS.CANCELLED], "close", MS.CLOSED, SYSTEM),
    ],
    verbs={
        "edit": _("edited"),
        "submit": _("submitted"),
        "attach_invitation": _("changed"),
        "authorize": _("authorized"),
        "reject": _("rejected"),
        "budget_override": _("changed"),
        "request_advance": _("changed"),
        "start": _("changed"),
        "return": _("marked as returned"),
        "suspend": _("suspended"),
        "cancel": _("cancelled"),
        "close": _("closed"),
    },
    conditions={"has_line": lambda mission: bool(mission.line_id)},
)

ADVANCE = Table(
    "advance",
    [
        # §2.4: the Project Coordinator and the Finance Director both approve (R-3.1s, R-3.1d).
        rows(
            [AS.REQUESTED],
            "approve",
            AS.APPROVED,
            "approver",
            step=_("Advance waiting for approval by the Project Coordinator and Finance Director."),
        ),
        rows([AS.REQUESTED], "reject", AS.REJECTED, "approver"),
        # the requester signs; only then Treasury pays.
        rows(
            [AS.APPROVED],
            "sign",
            AS.SIGNED,
            "traveler",
            step=_("Sign the advance request so that Treasury can pay it (R-3.1)."),
        ),
        rows(
            [AS.SIGNED],
            "disburse",
            AS.DISBURSED,
            "treasury",
            step=_("Treasury will disburse the advance."),
        ),
        # a stopped mission's money comes back, or (money spent) is settled.
        rows([AS.DISBURSED], "demand_return", AS.RETURN_DUE, SYSTEM),
        rows(
            [AS.RETURN_DUE],
            "record_return",
            AS.RETURNED,
            "treasury",
            step=_("Return the advance to Treasury at once (R-4)."),
        ),
        rows(
            [AS.DISBURSED],
            "settle",
            AS.SETTLED,
            SYSTEM,
            step=_("Submit the settlement of the money spent (R-4)."),
        ),
        rows([AS.RETURN_DUE], "settle", AS.SETTLED, SYSTEM),
        # R-4 stops and R-3.3 (the settlement started) cancel what was not paid.
        rows([AS.REQUESTED, AS.APPROVED, AS.SIGNED], "cancel", AS.CANCELLED, SYSTEM),
    ],
    verbs={
        "approve": _("approved"),
        "reject": _("rejected"),
        "sign": _("signed"),
        "disburse": _("disbursed"),
        "demand_return": _("changed"),
        "record_return": _("marked as returned"),
        "settle": _("settled"),
        "cancel": _("cancelled"),
    },
)

# Advance statuses whose next step comes before the mission's: someone has to act on it now.
ADVANCE_WAITING = frozenset({AS.REQUESTED, AS.APPROVED, AS.SIGNED, AS.RETURN_DUE})
