"""Personal data held by `settlements`, declared to privacy (privacy/registry.py).

R-A8 acceso exports settlements, receipts (metadata), documents (metadata), sanctions,
documentation requirements and deduction orders; cancelación and retention anonymize them
keeping amounts, dates and document numbers (R-T4); an open settlement or a sanction in course
is a legal hold (R-T2). Retention categories (R-T1, defaults shipped by privacy's migration):

- `settlements.accounting_support`: a closed settlement (and its mission, receipts, files), or a
  mission that ended without one, 6 years from 1 January after its year;
- `settlements.payroll_deductions`: a deduction order, 5 years from its issue.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions.privacy import ANON, _delete_files_on_commit, _iso, _money, mission_anonymize
from privacy.registry import (
    Action,
    Candidate,
    Category,
    Hold,
    PersonalData,
    StartEvent,
    register,
)

SETTLEMENT_KEY = "settlements.settlement"
MISSION_KEY = "missions.mission"
ORDER_KEY = "settlements.payrolldeductionorder"


def _pk(candidate: Candidate) -> int:
    return int(candidate.key.rsplit(":", 1)[1])


# --- R-A8 acceso ---


def settlements_export(user) -> dict:
    from settlements.models import (
        DocumentationRequirement,
        PayrollDeductionOrder,
        Sanction,
        Settlement,
    )

    settlements = (
        Settlement.objects.filter(mission__traveler=user)
        .select_related("mission", "advance")
        .prefetch_related("receipts", "documents")
        .order_by("created_at", "pk")
    )
    return {
        "settlements": [
            {
                "code": s.code,
                "mission": s.mission.code,
                "advance": s.advance.code if s.advance_id else None,
                "status": s.status,
                "actual_departure_at": _iso(s.actual_departure_at),
                "actual_return_at": _iso(s.actual_return_at),
                "viaticos_recognized_usd": _money(s.viaticos_recognized),
                "advance_usd": _money(s.advance_amount),
                "terminal_accepted_usd": _money(s.terminal_accepted),
                "balance_usd": _money(s.balance),
                "reimbursement_due": _iso(s.reimbursement_due),
                "balance_settled_on": _iso(s.balance_settled_on),
                "settled_on": _iso(s.settled_on),
                "receipts": [
                    {
                        "type": r.receipt_type,
                        "category": r.category,
                        "issuer": r.issuer_name,
                        "issuer_tax_id": r.issuer_tax_id,
                        "number": r.number,
                        "issued_to": r.customer_name,
                        "date": _iso(r.date),
                        "currency": r.currency,
                        "amount": _money(r.amount),
                        "amount_usd": _money(r.amount_usd),
                        "decision": r.decision,
                        "accepted_usd": _money(r.accepted_usd),
                    }
                    for r in s.receipts.all()
                ],
                "documents": [
                    {
                        "kind": d.kind,
                        "file_name": d.original_name,
                        "content_type": d.content_type,
                        "sha256": d.sha256,
                        "uploaded_at": _iso(d.created_at),
                        "stamped": bool(d.stamped_file),
                    }
                    for d in s.documents.all()
                ],
            }
            for s in settlements
        ],
        "sanctions": [
            {
                "code": x.code,
                "rule": x.rule,
                "kind": x.kind,
                "state": x.state,
                "amount_usd": _money(x.amount),
                "suspension_days": x.suspension_days,
                "grounds": x.reason,
                "proposed_on": _iso(x.proposed_on),
                "applied_on": _iso(x.applied_on),
                "lifted_on": _iso(x.lifted_on),
            }
            for x in Sanction.objects.filter(person=user).order_by("proposed_on", "pk")
        ],
        "documentation_requirements": [
            {
                "code": r.code,
                "advance": f"A-{r.advance_id:05d}",
                "due_date": _iso(r.due_date),
                "issued_on": _iso(r.issued_on),
                "amount_usd": _money(r.amount),
                "resolved_on": _iso(r.resolved_on),
            }
            for r in DocumentationRequirement.objects.filter(traveler=user).order_by("pk")
        ],
        "payroll_deduction_orders": [
            {
                "code": o.code,
                "person": o.person_name,
                "document_number": o.document_number,
                "amount_usd": _money(o.amount),
                "concept": o.concept,
                "mission_reference": o.mission_reference,
                "issued_on": _iso(o.issued_on),
                "state": o.state,
            }
            for o in PayrollDeductionOrder.objects.filter(person=user).order_by("pk")
        ],
    }


# --- R-T4 anonymization of one record ---


def _organization_tax_id() -> str:
    from viaticos.models import Organization

    org = Organization.current()
    return org.tax_id if org else ""


def settlement_anonymize(settlement) -> list[str]:
    """R-T4: files, file names and the names and identity numbers on receipts go; amounts,
    dates, receipt numbers and issuers' tax ids (the books) stay. Idempotent."""
    from settlements.models import Document, Receipt

    removed: list[str] = []
    docs = Document.objects.filter(settlement=settlement).exclude(file="", stamped_file="")
    names = [n for d in docs for n in (d.file, d.stamped_file)]
    if names:
        _delete_files_on_commit(names)
        Document.objects.filter(pk__in=[d.pk for d in docs]).update(
            file="", stamped_file="", original_name=ANON
        )
        removed.append(_("uploaded files"))
    receipts = Receipt.objects.filter(settlement=settlement)
    # "Issued to" is the organization on an invoice (kept: it is the books); anything else
    # there (a boarding pass, a ticket in the traveler's name) is the person's.
    customer = receipts.exclude(customer_tax_id=_organization_tax_id()).exclude(
        customer_name="", customer_tax_id=""
    )
    ids = list(customer.values_list("pk", flat=True))
    if ids:
        wipe = {"customer_name": "", "customer_tax_id": ""}
        Receipt.objects.filter(pk__in=ids).update(**wipe)
        Receipt.history.filter(id__in=ids).update(**wipe)
        removed.append(_("names on receipts"))
    # A Recibo de Egresos is issued by a natural person (the payee): name and identity number.
    for receipt in receipts.filter(receipt_type="recibo_egresos").exclude(issuer_name=ANON):
        key = receipt.duplicate_key
        wipe = {"issuer_name": ANON, "issuer_tax_id": ""}
        hashed = "anon:" + hashlib.sha256(key.encode()).hexdigest()[:40] if key else ""
        Receipt.objects.filter(pk=receipt.pk).update(duplicate_key=hashed, **wipe)
        Receipt.history.filter(id=receipt.pk).update(duplicate_key=hashed, **wipe)
        if _("payees of expense receipts") not in removed:
            removed.append(_("payees of expense receipts"))
    if mission_anonymize(settlement.mission):
        removed.append(_("invitation letter"))
    return removed


def deduction_order_anonymize(order) -> bool:
    from settlements.models import PayrollDeductionOrder

    if order.person_name == ANON and not order.document_number:
        return False
    PayrollDeductionOrder.objects.filter(pk=order.pk).update(person_name=ANON, document_number="")
    return True


# --- R-A8 cancelación ---


def settlements_anonymize(user) -> list[str]:
    """Only called when no hold applies; re-checked here so a hold is never bypassed (R-T2)."""
    from settlements.models import PayrollDeductionOrder, Settlement

    if settlements_holds(user):
        return []
    removed: list[str] = []
    for settlement in Settlement.objects.filter(mission__traveler=user).select_related("mission"):
        removed += [r for r in settlement_anonymize(settlement) if r not in removed]
    orders = [
        deduction_order_anonymize(o) for o in PayrollDeductionOrder.objects.filter(person=user)
    ]
    if any(orders):
        removed.append(_("name and identity number on payroll deduction orders"))
    return removed


# --- R-T2 holds ---


def settlements_holds(user) -> list[Hold]:
    from settlements.models import Sanction, Settlement

    holds = [
        Hold(
            reason=_("Settlement %(code)s is open (%(status)s)")
            % {"code": s.code, "status": s.get_status_display()},
            data_kept=_("The settlement, its receipts and documents, the mission and advance"),
            category="settlements.accounting_support",
        )
        for s in Settlement.objects.filter(mission__traveler=user)
        .exclude(status=Settlement.Status.CLOSED)
        .order_by("pk")
    ]
    holds += [
        Hold(
            reason=_("Sanction %(code)s (%(rule)s) is in course")
            % {"code": x.code, "rule": x.rule},
            data_kept=_("The sanction and the records it rests on"),
            category="settlements.accounting_support",
        )
        for x in Sanction.objects.filter(person=user, state__in=Sanction.IN_COURSE).order_by("pk")
    ]
    return holds


# --- R-T1 retention ---


def _year_after(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1)


def accounting_candidates():
    """Closed settlements, and missions that ended without one (rejected, cancelled)."""
    from missions.models import Mission
    from settlements.models import Settlement

    closed = Settlement.objects.filter(status=Settlement.Status.CLOSED).select_related("mission")
    for s in closed.only("pk", "settled_on", "updated_at", "mission__traveler"):
        day = s.settled_on or s.updated_at.date()
        yield Candidate(f"{SETTLEMENT_KEY}:{s.pk}", s.mission.traveler_id, _year_after(day))
    ended = Mission.objects.filter(
        Q(status__in=[Mission.Status.CLOSED, *Mission.STOPPED, Mission.Status.REJECTED]),
        settlement__isnull=True,
    )
    for m in ended.only("pk", "return_at", "traveler"):
        yield Candidate(f"{MISSION_KEY}:{m.pk}", m.traveler_id, _year_after(m.return_at.date()))


def accounting_apply(candidate: Candidate, action: str) -> str:
    """Anonymize (a deletion would break the books, R-T4: it anonymizes too)."""
    from missions.models import Mission
    from settlements.models import Settlement

    if candidate.key.startswith(MISSION_KEY + ":"):
        mission = Mission.objects.filter(pk=_pk(candidate)).first()
        if mission is None:
            return "gone"
        return "anonymized: " + ("invitation letter" if mission_anonymize(mission) else "nothing")
    settlement = Settlement.objects.select_related("mission").filter(pk=_pk(candidate)).first()
    if settlement is None:
        return "gone"
    removed = settlement_anonymize(settlement)
    return "anonymized: " + (", ".join(str(r) for r in removed) or "nothing")


def payroll_candidates():
    from settlements.models import PayrollDeductionOrder

    for o in PayrollDeductionOrder.objects.only("pk", "person", "issued_on"):
        yield Candidate(f"{ORDER_KEY}:{o.pk}", o.person_id, o.issued_on)


def payroll_apply(candidate: Candidate, action: str) -> str:
    from settlements.models import PayrollDeductionOrder

    order = PayrollDeductionOrder.objects.filter(pk=_pk(candidate)).first()
    if order is None:
        return "gone"
    return "anonymized" if deduction_order_anonymize(order) else "nothing left"


def register_privacy() -> None:
    register(
        PersonalData(
            app="settlements",
            categories=[
                Category(
                    code="settlements.accounting_support",
                    label=gettext_lazy("Missions, advances, settlements and their receipts"),
                    sensitive=True,  # economic data (R-P4)
                    period_years=6,
                    start_event=StartEvent.YEAR_AFTER_SETTLEMENT,
                    legal_basis=gettext_lazy("Código Tributario arts. 43 and 87"),
                    action=Action.ANONYMIZE,
                    candidates=accounting_candidates,
                    apply=accounting_apply,
                ),
                Category(
                    code="settlements.payroll_deductions",
                    label=gettext_lazy("Payroll deduction orders"),
                    sensitive=True,
                    period_years=5,
                    start_event=StartEvent.RECORDED,
                    legal_basis=gettext_lazy("Labour and tax rules (5 years)"),
                    action=Action.ANONYMIZE,
                    candidates=payroll_candidates,
                    apply=payroll_apply,
                ),
            ],
            export=settlements_export,
            anonymize=settlements_anonymize,
            holds=settlements_holds,
        )
    )
