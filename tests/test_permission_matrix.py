"""Every URL of the product, as every role and as an anonymous visitor, from one table.

A URL pattern without an entry in MATRIX fails `test_every_url_has_an_entry`: adding an endpoint
means deciding, here, who may use it. The Django admin is left to its own permission system.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory
from viaticos.roles import Role

ANON = "anonymous"
WHO = [ANON, *[role.value for role in Role]]
SIGNED_IN = [role.value for role in Role]


@dataclass(frozen=True)
class Entry:
    """`expect` maps a role value (or ANON) to a status; `default` covers the rest."""

    method: str = "GET"
    default: int = 200
    expect: dict[str, int] = field(default_factory=dict)
    kwargs: Callable[[dict], dict] | None = None
    query: dict | None = None
    data: dict | Callable[[dict], dict] | None = None  # a callable gives fresh uploads per case

    def payload(self, ctx) -> dict:
        return (self.data(ctx) if callable(self.data) else self.data) or {}

    def status_for(self, who: str) -> int:
        return self.expect.get(who, self.default)


def page(anonymous=302, **kw) -> Entry:
    """An HTML page for any signed-in user; anonymous visitors go to the login page."""
    return Entry(expect={ANON: anonymous, **kw.pop("expect", {})}, **kw)


def api(anonymous=401, **kw) -> Entry:
    return Entry(expect={ANON: anonymous, **kw.pop("expect", {})}, **kw)


def only(roles: set[Role], allowed: int = 200, denied: int = 403, anonymous: int = 302) -> dict:
    return {
        ANON: anonymous,
        **{r: (allowed if r in {x.value for x in roles} else denied) for r in SIGNED_IN},
    }


def ARCO_CONFIRMATION(ctx):
    from privacy.services import email_confirmation_token

    return {"token": email_confirmation_token(ctx["arco"])}


def MISSION(ctx):
    return {"pk": ctx["mission"].pk}


def ADVANCE(ctx):
    return {"pk": ctx["advance"].pk}


def SETTLEMENT(ctx):
    return {"pk": ctx["settlement"].pk}


def RECEIPT(ctx):
    return {"pk": ctx["receipt"].pk}


def ARCO(ctx):
    return {"pk": ctx["arco"].pk}


def hidden_from(*roles: Role, status: int = 404) -> dict[str, int]:
    return {role.value: status for role in roles}


# Roles that do not see someone else's settlement (settlements.access.READ_ALL_ROLES).
NO_SETTLEMENTS = hidden_from(
    Role.EXECUTIVE_SECRETARY,
    Role.PRIVACY_OFFICER,
    Role.PROJECT_COORDINATOR,
    Role.TRAVELER,
    Role.TREASURY,
)
# Roles that see no ARCO file (privacy.selectors.arco_request_get_for_user).
NO_ARCO_FILES = hidden_from(*(r for r in Role if r not in (Role.PRIVACY_OFFICER, Role.AUDITOR)))


BUDGET_READERS = {
    Role.FINANCE_DIRECTOR,
    Role.EXECUTIVE_SECRETARY,
    Role.GENERAL_ADMINISTRATOR,
    Role.GENERAL_ACCOUNTANT,
    Role.ACCOUNTING_ASSISTANT,
    Role.AUDITOR,
    Role.PROJECT_COORDINATOR,
}
BOOK_READERS = {
    Role.GENERAL_ACCOUNTANT,
    Role.ACCOUNTING_ASSISTANT,
    Role.FINANCE_DIRECTOR,
    Role.AUDITOR,
}


MATRIX: dict[str, Entry] = {
    "home": page(),
    "account": page(),
    "rules": page(),  # rule traceability, read-only for every signed-in user
    "account-token": page(method="POST", default=200),
    "account-token-revoke": page(method="POST", default=302),
    # SPEC §5.4: bank data changed only by its holder, approved by a second person.
    "bank-data": page(),
    "bank-approvals": Entry(
        expect=only({Role.GENERAL_ADMINISTRATOR, Role.FINANCE_DIRECTOR}, anonymous=302)
    ),
    "bank-decide": Entry(
        method="POST",
        kwargs=lambda ctx: {"pk": 999999},
        data={"decision": "approve"},
        expect=only({Role.GENERAL_ADMINISTRATOR, Role.FINANCE_DIRECTOR}, allowed=302),
    ),
    "second-factor": page(),
    # R-P4: one's own dependants; removing another's (or a missing one) finds nothing.
    "dependants": page(),
    "dependant-remove": page(method="POST", kwargs=lambda ctx: {"pk": 999999}, default=302),
    # Proactive accountability (Reglamento 2024): the Oficial's compliance page and PDF.
    "privacy:compliance": Entry(expect=only({Role.PRIVACY_OFFICER, Role.AUDITOR}, denied=404)),
    "privacy:compliance-pdf": Entry(expect=only({Role.PRIVACY_OFFICER, Role.AUDITOR}, denied=404)),
    # R-S4: incidents.
    "privacy:incident-new": page(),
    "privacy:incident": Entry(
        kwargs=lambda ctx: {"pk": ctx["incident"].pk},
        expect=only({Role.PRIVACY_OFFICER, Role.AUDITOR}, denied=404),
    ),
    "privacy:incident-report-pdf": Entry(
        kwargs=lambda ctx: {"pk": ctx["incident"].pk},
        expect=only({Role.PRIVACY_OFFICER, Role.AUDITOR}, denied=404),
    ),
    "privacy:incident-send-authority": Entry(
        method="POST",
        kwargs=lambda ctx: {"pk": ctx["incident"].pk},
        data={"to": "autoridad@example.org"},
        expect=only({Role.PRIVACY_OFFICER}, allowed=302, denied=404),
    ),
    "privacy:incident-notify-subjects": Entry(
        method="POST",
        kwargs=lambda ctx: {"pk": ctx["incident"].pk},
        expect=only({Role.PRIVACY_OFFICER}, allowed=302, denied=404),
    ),
    "login": Entry(expect={r: 302 for r in SIGNED_IN}),  # signed-in users are sent home
    "logout": Entry(method="POST", default=302),
    "password_change": page(),
    "password_change_done": page(),
    "password_reset": Entry(),
    "password_reset_done": Entry(),
    "password_reset_confirm": Entry(kwargs=lambda ctx: {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": Entry(),
    "set_language": Entry(method="POST", default=302, data={"language": "en", "next": "/"}),
    "schema": Entry(),
    # Load-balancer probes (issue 21): public, no personal data. Metrics: from the configured
    # addresses (the test client is 127.0.0.1) or with the token; see tests/viaticos/test_health.py.
    "healthz": Entry(),
    "readyz": Entry(),
    "metrics": Entry(),
    "api-docs": Entry(),
    "v1:calendar-add-business-days": api(query={"start": "2026-03-02", "days": 1}),
    "v1:calendar-settlement-due-date": api(query={"return_date": "2026-03-02"}),
    # Per diem (issue 3)
    "per-diem-calculator": page(),
    "quote-list": page(),
    "quote-decide": Entry(
        method="POST",
        kwargs=lambda ctx: {"pk": ctx["quote"].pk},
        data={"decision": "approve"},
        default=404,  # travelers only see their own quotes
        expect={
            ANON: 302,
            Role.FINANCE_DIRECTOR.value: 302,  # decided
            Role.GENERAL_ACCOUNTANT.value: 302,  # sees it; the service refuses with a message
            Role.AUDITOR.value: 302,
        },
    ),
    "v1:per-diem-quote": api(
        method="POST",
        data={
            "destination": "GT",
            "departure_at": "2026-03-02T10:00",
            "return_at": "2026-03-02T15:00",
        },
    ),
    # Missions and advances (issue 4): the context mission is authorized, its advance disbursed,
    # on a project nobody in the matrix coordinates. A refused action answers its page again with
    # what was typed (403 not allowed, 400 invalid); a done one redirects.
    "missions:action": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["mission"].pk, "name": "suspend"},
        data={"reason": "x", "amount_spent": "0"},
        default=403,
        expect={
            ANON: 302,
            Role.EXECUTIVE_SECRETARY.value: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:advance-action": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["advance"].pk, "name": "record_return"},
        data={},  # the date is missing: refused before anything else, for whoever sees it
        default=400,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:advance-pdf": Entry(
        kwargs=ADVANCE,
        default=200,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:detail": Entry(
        kwargs=MISSION,
        default=200,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    # SPEC §2.5 (issue 24): budgets are read by finance, audit and coordinators; the Finance
    # Director edits them.
    "missions:budgets": Entry(expect=only(BUDGET_READERS)),
    "missions:budgets-unmatched": Entry(expect=only(BUDGET_READERS)),
    "missions:budgets-import": Entry(
        method="POST", expect=only({Role.FINANCE_DIRECTOR}, allowed=302)
    ),  # no file: back to the page with a message
    "missions:budgets-set-line": Entry(
        method="POST",
        kwargs=lambda ctx: {"pk": 999999},
        expect=only({Role.FINANCE_DIRECTOR}, allowed=404),
    ),
    "books:journal": Entry(expect=only(BOOK_READERS)),
    "books:trial-balance": Entry(expect=only(BOOK_READERS)),
    "books:journal-export": Entry(kwargs=lambda ctx: {"fmt": "csv"}, expect=only(BOOK_READERS)),
    "books:trial-balance-export": Entry(
        kwargs=lambda ctx: {"fmt": "xlsx"}, expect=only(BOOK_READERS)
    ),
    "books:entry-reverse": Entry(
        method="POST",
        kwargs=lambda ctx: {"pk": 999999},
        expect=only(BOOK_READERS, allowed=404),  # nobody edits; a reversal needs an entry
    ),
    "books:donor-report": Entry(expect=only(BUDGET_READERS)),
    "books:donor-report-export": Entry(
        kwargs=lambda ctx: {"fmt": "csv"},
        # the matrix's coordinator coordinates no project: nothing to export
        expect={**only(BUDGET_READERS), Role.PROJECT_COORDINATOR.value: 404},
    ),
    "v1:budget-line-list": api(),
    "v1:journal": api(expect=only(BOOK_READERS, anonymous=401)),
    "v1:journal-trial-balance": api(expect=only(BOOK_READERS, anonymous=401)),
    "missions:disbursements": Entry(default=403, expect={ANON: 302, Role.TREASURY.value: 200}),
    # R-3.1d: the inbox count (a fragment), the bulk approval (refuses per request), the list of
    # approvals nobody can give, and one's own delegations.
    "missions:inbox-badge": page(),
    "missions:inbox-decide": page(method="POST", default=302, data={"missions": ["999999"]}),
    "missions:approvals-stuck": Entry(
        default=403,
        expect={
            ANON: 302,
            Role.EXECUTIVE_SECRETARY.value: 200,
            Role.GENERAL_ADMINISTRATOR.value: 200,
            Role.AUDITOR.value: 200,
        },
    ),
    "missions:delegations": page(),
    "missions:delegation-end": page(
        method="POST", default=404, kwargs=lambda ctx: {"pk": ctx["delegation"].pk}
    ),
    "missions:edit": Entry(
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "missions:inbox": Entry(
        default=403,
        expect={
            ANON: 302,
            Role.EXECUTIVE_SECRETARY.value: 200,
            Role.FINANCE_DIRECTOR.value: 200,
            Role.PROJECT_COORDINATOR.value: 200,
        },
    ),
    "missions:invitation": Entry(kwargs=MISSION, default=404, expect={ANON: 302}),
    "missions:list": Entry(default=200, expect={ANON: 302}),
    "missions:new": Entry(default=200, expect={ANON: 302}),
    "missions:order-pdf": Entry(
        kwargs=MISSION,
        default=200,
        expect={
            ANON: 302,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-approve": Entry(
        method="POST",
        kwargs=ADVANCE,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-detail": Entry(
        kwargs=ADVANCE,
        default=200,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-disburse": Entry(
        method="POST",
        kwargs=ADVANCE,
        data={"disbursed_on": "2026-02-27", "method": "transfer", "reference": "X"},
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
            Role.TREASURY.value: 400,
        },
    ),
    "v1:advance-list": Entry(default=200, expect={ANON: 401}),
    "v1:advance-record-return": Entry(
        method="POST",
        kwargs=ADVANCE,
        data={"returned_on": "2026-03-10"},
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
            Role.TREASURY.value: 400,
        },
    ),
    "v1:advance-reject": Entry(
        method="POST",
        kwargs=ADVANCE,
        data={"reason": "x"},
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:advance-sign": Entry(
        method="POST",
        kwargs=ADVANCE,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-authorize": Entry(
        method="POST",
        kwargs=MISSION,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-cancel": Entry(
        method="POST",
        kwargs=MISSION,
        data={"reason": "x"},
        default=403,
        expect={
            ANON: 401,
            Role.EXECUTIVE_SECRETARY.value: 200,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-detail": Entry(
        kwargs=MISSION,
        default=200,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-invitation": Entry(
        method="POST",
        kwargs=MISSION,
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-list": Entry(default=200, expect={ANON: 401}),
    "v1:mission-reject": Entry(
        method="POST",
        kwargs=MISSION,
        data={"reason": "x"},
        default=400,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-return": Entry(
        method="POST",
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-start": Entry(
        method="POST",
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-submit": Entry(
        method="POST",
        kwargs=MISSION,
        default=403,
        expect={
            ANON: 401,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    "v1:mission-suspend": Entry(
        method="POST",
        kwargs=MISSION,
        data={"reason": "x"},
        default=403,
        expect={
            ANON: 401,
            Role.EXECUTIVE_SECRETARY.value: 200,
            Role.PRIVACY_OFFICER.value: 404,
            Role.PROJECT_COORDINATOR.value: 404,
            Role.TRAVELER.value: 404,
        },
    ),
    # Settlements (issue 5): the context settlement is another traveler's ("matrix-owner"),
    # submitted and waiting for the Accounting Assistant, with two documents and one receipt.
    # Nobody in the matrix owns it, so every traveler-only action is refused.
    "settlements:action": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["settlement"].pk, "action": "receive"},
        default=302,  # done (Accounting Assistant) or refused with a message
        expect=NO_SETTLEMENTS,
    ),
    "settlements:bundle": Entry(
        kwargs=SETTLEMENT,
        default=302,  # not stamped yet: back to the detail page with a message
        expect=NO_SETTLEMENTS,
    ),
    "settlements:detail": Entry(kwargs=SETTLEMENT, expect={ANON: 302, **NO_SETTLEMENTS}),
    "settlements:document": Entry(
        kwargs=lambda c: {"pk": c["document"].pk}, expect={ANON: 302, **NO_SETTLEMENTS}
    ),
    "settlements:document_remove": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["document"].pk},
        default=302,  # refused with a message: only the traveler, while editable
        expect=NO_SETTLEMENTS,
    ),
    "settlements:inbox": Entry(
        default=404,
        expect={
            ANON: 302,
            Role.ACCOUNTING_ASSISTANT.value: 200,
            Role.AUDITOR.value: 200,
            Role.GENERAL_ACCOUNTANT.value: 200,
        },
    ),
    "settlements:list": page(),
    "settlements:payments": Entry(
        default=403,
        expect={
            ANON: 302,
            Role.TREASURY.value: 200,
            Role.FINANCE_DIRECTOR.value: 200,
            Role.AUDITOR.value: 200,
        },
    ),
    "settlements:receipt_action": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["receipt"].pk, "action": "approve_exception"},
        default=302,  # refused with a message: a taxi is not an exception
        expect=NO_SETTLEMENTS,
    ),
    "settlements:recibo_egresos": Entry(kwargs=SETTLEMENT, default=404, expect={ANON: 302}),
    "settlements:report": Entry(kwargs=SETTLEMENT, expect={ANON: 302, **NO_SETTLEMENTS}),
    "settlements:review": Entry(kwargs=SETTLEMENT, expect={ANON: 302, **NO_SETTLEMENTS}),
    "settlements:start": Entry(
        method="POST",
        kwargs=lambda c: {"mission_pk": c["settlement"].mission_id},
        default=302,  # refused with a message: only the traveler starts it, once
        # they do not see the mission (missions.selectors.missions_visible_to)
        expect=hidden_from(Role.PRIVACY_OFFICER, Role.PROJECT_COORDINATOR, Role.TRAVELER),
    ),
    "v1:receipt-approve-exception": Entry(
        method="POST",
        kwargs=RECEIPT,
        default=403,
        expect={
            ANON: 401,
            **NO_SETTLEMENTS,
            Role.FINANCE_DIRECTOR.value: 400,
            Role.GENERAL_ADMINISTRATOR.value: 400,
        },
    ),
    "v1:receipt-detail": Entry(
        method="DELETE", kwargs=RECEIPT, default=403, expect={ANON: 401, **NO_SETTLEMENTS}
    ),
    # Any signed-in person may read a receipt's QR: it reads the file sent and saves nothing.
    "v1:receipt-read": api(method="POST", data=lambda c: {"file": _pdf("read")}),
    "v1:receipt-review": Entry(
        method="POST",
        kwargs=RECEIPT,
        data={"decision": "accepted"},
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS, Role.GENERAL_ACCOUNTANT.value: 400},
    ),
    "v1:settlement-detail": Entry(kwargs=SETTLEMENT, expect={ANON: 401, **NO_SETTLEMENTS}),
    "v1:settlement-document-detail": Entry(
        method="DELETE",
        kwargs=lambda c: {"pk": c["document"].settlement_id, "document_pk": c["document"].pk},
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS},
    ),
    "v1:settlement-documents": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        data=lambda c: {"kind": "mission_report", "file": _pdf("report")},
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS},
    ),
    "v1:settlement-finish-review": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS, Role.GENERAL_ACCOUNTANT.value: 400},
    ),
    "v1:settlement-list": api(),
    "v1:settlement-receipts": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        data=lambda c: {
            "receipt_type": "invoice",
            "category": "taxi",
            "issuer_name": "Taxis Seguros",
            "issuer_tax_id": "06140101011011",
            "number": "F001-77",
            "date": "2026-02-10",
            "currency": "USD",
            "amount": "20.00",
            "file": _pdf("taxi"),
        },
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS},
    ),
    "v1:settlement-receive": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS, Role.ACCOUNTING_ASSISTANT.value: 200},
    ),
    # R-3.7: the Accounting Assistant starts a failed stamping run again; the settlement here
    # is not received yet (400 wrong_state).
    "v1:settlement-stamp-again": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS, Role.ACCOUNTING_ASSISTANT.value: 400},
    ),
    "v1:settlement-record-balance": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        data={"on": "2026-03-12", "reference": "DEP-1"},
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS, Role.GENERAL_ACCOUNTANT.value: 400},
    ),
    "v1:settlement-return": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        data={"reason": "x"},
        default=403,
        # Only the Accounting Assistant returns a settlement still waiting to be received
        # (settlements.access.settlement_actions); the General Accountant's turn comes after,
        # other roles are refused (403).
        expect={
            ANON: 401,
            **NO_SETTLEMENTS,
            Role.ACCOUNTING_ASSISTANT.value: 200,
            Role.GENERAL_ACCOUNTANT.value: 400,
        },
    ),
    "v1:settlement-settle": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS, Role.GENERAL_ACCOUNTANT.value: 400},
    ),
    # R-7i (issue 17): only the General Accountant decides per-diem lines, once received.
    "v1:settlement-perdiem-lines": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        data={"date": "2026-02-10", "concept": "meals", "decision": "accepted"},
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS, Role.GENERAL_ACCOUNTANT.value: 400},
    ),
    "v1:settlement-submit": Entry(
        method="POST", kwargs=SETTLEMENT, default=403, expect={ANON: 401, **NO_SETTLEMENTS}
    ),
    "v1:settlement-times": Entry(
        method="POST",
        kwargs=SETTLEMENT,
        data={
            "actual_departure_at": "2026-02-09T08:00",
            "actual_return_at": "2026-02-12T18:00",
        },
        default=403,
        expect={ANON: 401, **NO_SETTLEMENTS},
    ),
    # Privacy (issue 7): the notice, the ARCO form, its API and the status by tracking code are
    # public; ARCO files are the Privacy Officer's (the Auditor reads them, changes nothing).
    "privacy:arco-ack-pdf": Entry(default=404),  # only right after filing, in that session
    "privacy:arco-filed": Entry(default=404),
    "privacy:arco-form": Entry(),
    "privacy:arco-lookup": Entry(),
    # R-A1: the link of the acknowledgement; anyone holding it (the token is the permission).
    "privacy:arco-confirm-email": Entry(kwargs=ARCO_CONFIRMATION),
    "privacy:arco-status": Entry(kwargs=lambda c: {"code": c["arco"].tracking_code}),
    # R-A1: the expiring link of a letter or data, e-mailed to the verified address; the token
    # is the permission, so an altered one is refused to everybody alike.
    "privacy:arco-download": Entry(kwargs=lambda c: {"token": "altered"}, default=400),
    "privacy:arco-download-file": Entry(
        kwargs=lambda c: {"token": "altered", "attachment_id": c["attachment"].pk}, default=400
    ),
    # R-A1: requests received on paper or by e-mail are entered by the Privacy Officer only.
    "privacy:intake": Entry(
        expect={
            ANON: 302,
            **hidden_from(*(r for r in Role if r != Role.PRIVACY_OFFICER)),
        }
    ),
    "privacy:attachment": Entry(
        kwargs=lambda c: {"pk": c["arco"].pk, "attachment_id": c["attachment"].pk},
        expect={ANON: 302, **NO_ARCO_FILES},
    ),
    "privacy:consent-prompt": page(),
    "privacy:notice-dismiss": page(method="POST", default=302, data={"next": "/"}),
    "privacy:my-consent-change": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["purpose"].pk},
        data={"action": "give"},
        default=302,
    ),
    "privacy:my-data": page(),
    "privacy:my-data-export": page(),
    "privacy:notice": Entry(),
    "privacy:notice-version": Entry(kwargs=lambda c: {"version": c["notice"].version}),
    "privacy:queue": Entry(expect={ANON: 302, **NO_ARCO_FILES}),
    "privacy:registers": Entry(expect={ANON: 302, **NO_ARCO_FILES}),
    "privacy:request": Entry(kwargs=ARCO, expect={ANON: 302, **NO_ARCO_FILES}),
    "privacy:request-action": Entry(
        method="POST",
        kwargs=lambda c: {"pk": c["arco"].pk, "action": "observe"},
        data={"observations": "Falta la copia legible del DNI."},
        default=404,  # the Auditor reads the file but changes nothing
        expect={ANON: 302, Role.PRIVACY_OFFICER.value: 302},
    ),
    "v1:arco-request-create": Entry(
        method="POST",
        data=lambda c: {**ARCO_FILING, "notice_acknowledged": "true", "document_file": _png()},
        default=201,
    ),
    "v1:arco-request-status": Entry(kwargs=lambda c: {"tracking_code": c["arco"].tracking_code}),
    # Deadlines and sanctions (issue 6): ids that do not exist answer 404 to whoever may look.
    "deadlines:mine": page(),
    "deadlines:dashboard": Entry(expect=only({Role.GENERAL_ACCOUNTANT, Role.AUDITOR})),
    "deadlines:payroll": Entry(expect=only({Role.GENERAL_ACCOUNTANT})),
    "deadlines:sanction-new": Entry(expect=only({Role.GENERAL_ACCOUNTANT})),
    "deadlines:sanctions": page(),  # one's own, or all of them (accounting, audit)
    "deadlines:sanction": page(default=404, kwargs=lambda ctx: {"pk": 999999}),
    "deadlines:sanction-apply": Entry(
        method="POST",
        expect=only({Role.GENERAL_ACCOUNTANT}, allowed=404),
        kwargs=lambda ctx: {"pk": 999999},
    ),
    "deadlines:sanction-lift": Entry(
        method="POST",
        expect=only({Role.GENERAL_ACCOUNTANT}, allowed=404),
        kwargs=lambda ctx: {"pk": 999999},
    ),
    # Proposals (issue 25 finding 3, R-A1): the person answers, the General Accountant dismisses.
    "deadlines:sanction-answer": page(
        method="POST", default=404, kwargs=lambda ctx: {"pk": 999999}
    ),
    "deadlines:sanction-dismiss": Entry(
        method="POST",
        expect=only({Role.GENERAL_ACCOUNTANT}, allowed=404),
        kwargs=lambda ctx: {"pk": 999999},
    ),
    "deadlines:sanction-next-order": Entry(
        method="POST",
        expect=only({Role.GENERAL_ACCOUNTANT}, allowed=404),
        kwargs=lambda ctx: {"pk": 999999},
    ),
    "deadlines:requirement-pdf": page(default=404, kwargs=lambda ctx: {"pk": 999999}),
    "deadlines:order-pdf": page(default=404, kwargs=lambda ctx: {"pk": 999999}),
    "v1:deadlines-mine": api(),
    "v1:sanction-list": api(),
    "v1:sanction-apply": api(method="POST", default=404, kwargs=lambda ctx: {"pk": 999999}),
    "v1:sanction-lift": api(method="POST", default=404, kwargs=lambda ctx: {"pk": 999999}),
    "v1:sanction-answer": api(method="POST", default=404, kwargs=lambda ctx: {"pk": 999999}),
    "v1:sanction-dismiss": api(method="POST", default=404, kwargs=lambda ctx: {"pk": 999999}),
    "v1:sanction-orders": api(default=404, kwargs=lambda ctx: {"pk": 999999}),
    # Recording the return (issue 17): the context mission's traveler is nobody in the matrix
    # and nobody coordinates its project; whoever cannot see the mission gets 404, whoever sees
    # it is refused by the service (the page says why; the API answers 403).
    "deadlines:record-return": page(
        method="POST",
        kwargs=MISSION,
        data={"kind": "actual_return", "at": "2026-03-06T10:00"},
        default=302,
        expect=hidden_from(Role.TRAVELER, Role.PRIVACY_OFFICER, Role.PROJECT_COORDINATOR),
    ),
    "v1:deadlines-record-return": api(
        method="POST",
        kwargs=MISSION,
        data={"kind": "actual_return", "at": "2026-03-06T10:00"},
        default=403,
        expect=hidden_from(Role.TRAVELER, Role.PRIVACY_OFFICER, Role.PROJECT_COORDINATOR),
    ),
}


def url_names() -> list[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                yield f"{namespace}:{name}" if namespace else name

    return sorted({n for n in walk(get_resolver().url_patterns) if not n.startswith("admin:")})


def test_every_url_has_an_entry():
    names = set(url_names())
    assert names - set(MATRIX) == set(), "add these URLs to MATRIX with their expected statuses"
    assert set(MATRIX) - names == set(), "MATRIX lists URLs that no longer exist"


@pytest.fixture(scope="module")
def matrix_objects(django_db_setup, django_db_blocker, tmp_path_factory):
    """Objects that parametrised URLs point at; extended as apps add URLs with ids.

    Built once per module (per xdist worker) inside a transaction that is rolled back at the
    end; each case runs in its own savepoint (pytest-django's `db`), so whatever a case changes
    (a settlement received, a request observed) is undone before the next one."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("loaddata", "rates_seed", verbosity=0)  # what `seed_rates` loads
            yield _matrix_objects()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def context(db, matrix_objects):
    from django.core.cache import cache

    cache.clear()  # the public ARCO form and API count requests per address (privacy.ratelimit)
    return matrix_objects


def _matrix_objects() -> dict:
    import datetime as dt
    from decimal import Decimal

    from missions.models import Destination
    from missions.services import quote_record
    from privacy.models import Purpose
    from privacy.selectors import notice_current

    requester = UserFactory(username="matrix-owner", roles=[Role.TRAVELER], profile=True)
    miami = Destination.objects.create(
        code="US-MIA", name="Miami", country="US", in_table_region=False
    )
    quote = quote_record(
        actor=requester,
        destination=miami,
        lodging=Decimal("150.00"),
        meals=Decimal("60.00"),
        source="Hotel quote",
        valid_from=dt.date(2026, 5, 1),
        valid_to=dt.date(2026, 5, 10),
    )
    mission = _matrix_mission(requester)
    from missions.models import Delegation

    delegation = Delegation.objects.create(  # only its delegator may end it
        delegator=requester, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 10)
    )
    return {
        "delegation": delegation,
        "quote": quote,
        "mission": mission,
        "advance": mission.advances.first(),
        **_matrix_settlement(requester, mission.project),
        **_matrix_arco(),
        "incident": _matrix_incident(requester),
        "purpose": Purpose.objects.get(code="comunicaciones"),
        "notice": notice_current(),
    }


def _local(*args):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime(*args))


def _authorized_mission(traveler, project, secretary, departure, back):
    from missions import services
    from missions.models import Destination
    from missions.rules import LegInput

    mission = services.mission_create(
        actor=traveler,
        project=project,
        kind="ordinary",
        purpose="Taller",
        expected_results="Plan",
        budget_line="2.1",
        departure_at=_local(*departure),
        return_at=_local(*back),
        legs=[
            LegInput(
                Destination.objects.get(code="SV-SAL"),
                _local(*departure[:3], 11, 0),
                _local(*back[:3], 15, 0),
            )
        ],
    )
    services.mission_submit(actor=traveler, mission=mission)
    services.mission_authorize(actor=project.coordinator, mission=mission)
    services.mission_authorize(actor=secretary, mission=mission)
    return mission


def _matrix_mission(traveler):
    """A mission of a project nobody in the matrix coordinates, with an advance disbursed."""
    import datetime as dt
    from decimal import Decimal

    from missions import services
    from tests.factories import OrganizationFactory, ProjectFactory

    OrganizationFactory()
    coordinator = UserFactory(username="matrix-pc", roles=[Role.PROJECT_COORDINATOR])
    secretary = UserFactory(username="matrix-es", roles=[Role.EXECUTIVE_SECRETARY])
    finance = UserFactory(username="matrix-fd", roles=[Role.FINANCE_DIRECTOR])
    treasurer = UserFactory(username="matrix-tr", roles=[Role.TREASURY])
    mission = _authorized_mission(
        traveler,
        ProjectFactory(coordinator=coordinator),
        secretary,
        (2026, 3, 2, 7, 30),
        (2026, 3, 5, 19, 0),
    )
    advance = services.advance_request(
        actor=traveler, mission=mission, terminal_estimate=Decimal("50.00")
    )
    services.advance_approve(actor=coordinator, advance=advance)
    services.advance_approve(actor=finance, advance=advance)
    services.advance_sign(actor=traveler, advance=advance)
    services.advance_disburse(
        actor=treasurer,
        advance=advance,
        disbursed_on=dt.date(2026, 2, 27),
        method="transfer",
        reference="OP-1",
    )
    mission.refresh_from_db()
    return mission


def _matrix_settlement(owner, project) -> dict:
    """An earlier mission of the same traveler and project, back from the trip, and its
    settlement submitted (waiting for the Accounting Assistant) with its proof of travel, its
    mission report and one taxi receipt."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from missions import services as mission_services
    from settlements import services

    secretary = get_user_model().objects.get(username="matrix-es")
    mission = _authorized_mission(
        owner, project, secretary, (2026, 2, 9, 7, 30), (2026, 2, 12, 19, 0)
    )
    mission_services.mission_start(actor=owner, mission=mission)
    mission_services.mission_mark_returned(actor=owner, mission=mission)
    settlement = services.settlement_start(actor=owner, mission=mission)
    for kind in ("proof_of_travel", "mission_report"):
        services.settlement_attach_document(
            actor=owner, settlement=settlement, kind=kind, upload=_pdf(kind)
        )
    receipt = services.receipt_add(
        actor=owner,
        settlement=settlement,
        upload=_pdf("receipt"),
        receipt_type="invoice",
        category="taxi",
        issuer_name="Taxis Seguros S.A.",
        issuer_tax_id="0614-010101-101-1",
        number="F001-00001",
        customer_name="Secretaría Ejecutiva Regional",
        customer_tax_id="20512345678",
        date=dt.date(2026, 2, 10),
        currency="USD",
        amount=Decimal("35.00"),
    )
    services.settlement_submit(actor=owner, settlement=settlement)
    settlement.refresh_from_db()
    return {
        "settlement": settlement,
        "receipt": receipt,
        "document": receipt.documents.get(),
    }


def _matrix_incident(affected):
    """A security incident reported by a traveler, with one person affected (R-S4)."""
    from django.utils import timezone

    from privacy.incidents import incident_report

    incident = incident_report(
        actor=affected,
        detected_at=timezone.now(),
        nature="Portátil perdido",
        data_categories="DNI",
        people_affected=1,
    )
    incident.affected_users.add(affected)
    return incident


def _matrix_arco() -> dict:
    """An ARCO request filed today through the public service, with its identity document
    (filed today, so that the officer may still send observations, R-A4)."""
    from privacy import clock, services

    arco = services.arco_request_file(
        filing=services.ArcoFiling(**ARCO_FILING), document_file=_png(), today=clock.today()
    )
    return {"arco": arco, "attachment": arco.attachments.get()}


ARCO_FILING = {
    "right": "acceso",
    "full_name": "Titular de Prueba",
    "document_type": "DNI",
    "document_number": "45879632",
    "email": "titular@example.org",
    "request_detail": "Quiero una copia de mis datos.",
    "notice_acknowledged": True,
}


def _pdf(title: str):
    """A one-page PDF; the title makes each file different (R-7c compares receipt hashes)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(f"{title}.pdf", out.getvalue(), content_type="application/pdf")


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("dni.png", PNG, content_type="image/png")


def _png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, context, name, who):
    entry = MATRIX[name]
    if who != ANON:
        client.force_login(UserFactory(username=f"matrix-{who}", roles=[Role(who)], profile=True))
    url = reverse(name, kwargs=entry.kwargs(context) if entry.kwargs else None)
    call = getattr(client, entry.method.lower())
    if entry.method == "GET":
        response = call(url, entry.query or {})
    else:
        response = call(url, entry.payload(context))
    assert response.status_code == entry.status_for(who), (name, who, response.status_code)
