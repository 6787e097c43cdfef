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

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions.privacy import (
    ANON,
    _iso,
    _money,
    mission_anonymize,
    missions_anonymize_bulk,
)
from privacy.registry import (
    Action,
    Candidate,
    Category,
    Hold,
    PersonalData,
    StartEvent,
    exclude_done,
    register,
)
from viaticos.services import delete_files_on_commit

SETTLEMENT_KEY = "settlements.settlement"
MISSION_KEY = "missions.mission"
ORDER_KEY = "settlements.payrolldeductionorder"


def _pk(candidate: Candidate) -> int:
    return int(candidate.key.rsplit(":", 1)[1])


# --- R-A8 acceso ---


def settlements_export(user) -> dict:
    from deadlines.models import DocumentationRequirement, PayrollDeductionOrder, Sanction
    from settlements.models import Settlement

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
                "advance": s.advance.code if s.advance is not None else None,
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
                "answer": x.answer,  # the person's answer to a proposal (R-A1)
                "decision_note": x.decision_note,
                "dismissed_on": _iso(x.dismissed_on),
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
        delete_files_on_commit(names)
        Document.objects.filter(pk__in=[d.pk for d in docs]).update(
            file="", stamped_file="", original_name=ANON
        )
        removed.append(_("uploaded files"))
    from settlements.built import built_documents_discard

    delete_files_on_commit(built_documents_discard([settlement.pk]))  # built PDFs hold them too
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
    from deadlines.models import PayrollDeductionOrder

    if order.person_name == ANON and not order.document_number:
        return False
    PayrollDeductionOrder.objects.filter(pk=order.pk).update(person_name=ANON, document_number="")
    return True


# --- R-A8 cancelación ---


def settlements_anonymize(user) -> list[str]:
    """Only called when no hold applies; re-checked here so a hold is never bypassed (R-T2)."""
    from deadlines.models import PayrollDeductionOrder
    from settlements.models import Settlement

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
    from deadlines.models import Sanction
    from settlements.models import Settlement

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


def settlements_holds_bulk(user_ids) -> dict[int, list[Hold]]:
    """`settlements_holds` for many people in two queries (the retention job)."""
    from deadlines.models import Sanction
    from settlements.models import Settlement

    result: dict[int, list[Hold]] = {pk: [] for pk in user_ids}
    open_ = (
        Settlement.objects.filter(mission__traveler_id__in=user_ids)
        .exclude(status=Settlement.Status.CLOSED)
        .select_related("mission")
        .only("pk", "status", "mission__traveler_id")
        .order_by("pk")
    )
    for s in open_:
        result[s.mission.traveler_id].append(
            Hold(
                reason=_("Settlement %(code)s is open (%(status)s)")
                % {"code": s.code, "status": s.get_status_display()},
                data_kept=_("The settlement, its receipts and documents, the mission and advance"),
                category="settlements.accounting_support",
            )
        )
    sanctions = (
        Sanction.objects.filter(person_id__in=user_ids, state__in=Sanction.IN_COURSE)
        .only("pk", "person_id", "rule")
        .order_by("pk")
    )
    for x in sanctions:
        result[x.person_id].append(
            Hold(
                reason=_("Sanction %(code)s (%(rule)s) is in course")
                % {"code": x.code, "rule": x.rule},
                data_kept=_("The sanction and the records it rests on"),
                category="settlements.accounting_support",
            )
        )
    return result


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


def accounting_due(cutoff: dt.date, done_keys):
    """`accounting_candidates` filtered in SQL: the clock (1 January after the year) started by
    `cutoff`, i.e. the day falls before 1 January of the cutoff's year; what is done is left
    out by an anti-join on the action log. A day wider for time zones (the clock re-checks)."""
    from missions.models import Mission
    from settlements.models import Settlement

    limit = dt.date(cutoff.year, 1, 1)
    wide = limit + dt.timedelta(days=1)
    closed = exclude_done(
        Settlement.objects.filter(status=Settlement.Status.CLOSED).filter(
            Q(settled_on__lt=limit) | Q(settled_on__isnull=True, updated_at__date__lt=wide)
        ),
        SETTLEMENT_KEY,
        done_keys,
    ).values_list("pk", "settled_on", "updated_at", "mission__traveler_id")
    for pk, settled_on, updated_at, traveler_id in closed:
        day = settled_on or updated_at.date()
        yield Candidate(f"{SETTLEMENT_KEY}:{pk}", traveler_id, _year_after(day))
    ended = exclude_done(
        Mission.objects.filter(
            Q(status__in=[Mission.Status.CLOSED, *Mission.STOPPED, Mission.Status.REJECTED]),
            settlement__isnull=True,
            return_at__date__lt=wide,
        ),
        MISSION_KEY,
        done_keys,
    ).values_list("pk", "return_at", "traveler_id")
    for pk, return_at, traveler_id in ended:
        yield Candidate(f"{MISSION_KEY}:{pk}", traveler_id, _year_after(return_at.date()))


def _chunk_pks(candidates, prefix: str) -> list[int]:
    return [_pk(c) for c in candidates if c.key.startswith(prefix + ":")]


def settlements_anonymize_bulk(settlement_ids) -> dict[int, list[str]]:
    """`settlement_anonymize` for many settlements in a few queries (R-T4): what was removed,
    by settlement."""
    from settlements.models import Document, Receipt, Settlement

    removed: dict[int, list[str]] = {pk: [] for pk in settlement_ids}
    docs = Document.objects.filter(settlement_id__in=settlement_ids).exclude(
        file="", stamped_file=""
    )
    rows = list(docs.values_list("pk", "settlement_id", "file", "stamped_file"))
    if rows:
        delete_files_on_commit([n for _pk, _s, f, st in rows for n in (f, st)])
        Document.objects.filter(pk__in=[r[0] for r in rows]).update(
            file="", stamped_file="", original_name=ANON
        )
        for settlement_id in {r[1] for r in rows}:
            removed[settlement_id].append(_("uploaded files"))
    from settlements.built import built_documents_discard

    delete_files_on_commit(built_documents_discard(settlement_ids))
    receipts = Receipt.objects.filter(settlement_id__in=settlement_ids)
    customer = receipts.exclude(customer_tax_id=_organization_tax_id()).exclude(
        customer_name="", customer_tax_id=""
    )
    named = list(customer.values_list("pk", "settlement_id"))
    if named:
        ids = [pk for pk, _s in named]
        wipe = {"customer_name": "", "customer_tax_id": ""}
        Receipt.objects.filter(pk__in=ids).update(**wipe)
        Receipt.history.filter(id__in=ids).update(**wipe)
        for settlement_id in {s for _pk, s in named}:
            removed[settlement_id].append(_("names on receipts"))
    payees = list(
        receipts.filter(receipt_type="recibo_egresos")
        .exclude(issuer_name=ANON)
        .values_list("pk", "settlement_id", "duplicate_key")
    )
    if payees:
        # `id` is the receipt's in both the table and its history (whose pk is history_id).
        hashed = Case(
            *[
                When(
                    id=pk,
                    then=Value(
                        "anon:" + hashlib.sha256(key.encode()).hexdigest()[:40] if key else ""
                    ),
                )
                for pk, _s, key in payees
            ],
            output_field=CharField(),
        )
        ids = [pk for pk, _s, _k in payees]
        wipe = {"issuer_name": ANON, "issuer_tax_id": ""}
        Receipt.objects.filter(pk__in=ids).update(duplicate_key=hashed, **wipe)
        Receipt.history.filter(id__in=ids).update(duplicate_key=hashed, **wipe)
        for settlement_id in {s for _pk, s, _k in payees}:
            removed[settlement_id].append(_("payees of expense receipts"))
    missions = dict(
        Settlement.objects.filter(pk__in=settlement_ids).values_list("mission_id", "pk")
    )
    for mission_id in missions_anonymize_bulk(list(missions)):
        removed[missions[mission_id]].append(_("invitation letter"))
    return removed


def accounting_apply_bulk(candidates, action: str) -> dict[str, str]:
    """`accounting_apply` for many records at once (R-T4: it anonymizes, the books stay)."""
    from missions.models import Mission
    from settlements.models import Settlement

    details: dict[str, str] = {}
    mission_ids = _chunk_pks(candidates, MISSION_KEY)
    if mission_ids:
        present = set(Mission.objects.filter(pk__in=mission_ids).values_list("pk", flat=True))
        changed = missions_anonymize_bulk(list(present))
        for pk in mission_ids:
            details[f"{MISSION_KEY}:{pk}"] = (
                "gone"
                if pk not in present
                else "anonymized: " + ("invitation letter" if pk in changed else "nothing")
            )
    settlement_ids = _chunk_pks(candidates, SETTLEMENT_KEY)
    if settlement_ids:
        present_settlements = list(
            Settlement.objects.filter(pk__in=settlement_ids).values_list("pk", flat=True)
        )
        removed = settlements_anonymize_bulk(present_settlements)
        for pk in settlement_ids:
            details[f"{SETTLEMENT_KEY}:{pk}"] = (
                "gone"
                if pk not in removed
                else "anonymized: " + (", ".join(str(r) for r in removed[pk]) or "nothing")
            )
    return details


def payroll_candidates():
    from deadlines.models import PayrollDeductionOrder

    for o in PayrollDeductionOrder.objects.only("pk", "person", "issued_on"):
        yield Candidate(f"{ORDER_KEY}:{o.pk}", o.person_id, o.issued_on)


def payroll_due(cutoff: dt.date, done_keys):
    from deadlines.models import PayrollDeductionOrder

    due = exclude_done(
        PayrollDeductionOrder.objects.filter(issued_on__lte=cutoff),
        ORDER_KEY,
        done_keys,
    ).values_list("pk", "person_id", "issued_on")
    for pk, person_id, issued_on in due:
        yield Candidate(f"{ORDER_KEY}:{pk}", person_id, issued_on)


def payroll_apply_bulk(candidates, action: str) -> dict[str, str]:
    from deadlines.models import PayrollDeductionOrder

    ids = [_pk(c) for c in candidates]
    orders = PayrollDeductionOrder.objects.filter(pk__in=ids)
    present = set(orders.values_list("pk", flat=True))
    todo = set(orders.exclude(person_name=ANON, document_number="").values_list("pk", flat=True))
    PayrollDeductionOrder.objects.filter(pk__in=todo).update(person_name=ANON, document_number="")
    return {
        c.key: "gone" if pk not in present else ("anonymized" if pk in todo else "nothing left")
        for c, pk in zip(candidates, ids, strict=True)
    }


def payroll_apply(candidate: Candidate, action: str) -> str:
    from deadlines.models import PayrollDeductionOrder

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
                    due_candidates=accounting_due,
                    apply_bulk=accounting_apply_bulk,
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
                    due_candidates=payroll_due,
                    apply_bulk=payroll_apply_bulk,
                ),
            ],
            export=settlements_export,
            anonymize=settlements_anonymize,
            holds=settlements_holds,
            holds_bulk=settlements_holds_bulk,
        )
    )
