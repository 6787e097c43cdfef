"""R-T1…R-T4: the retention job, idempotent, logging every action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from privacy.erasures import erasure_record_many, retention_entry
from privacy.models import ArcoRequest, BlockedRecord, RetentionAction, RetentionPolicy
from privacy.registry import Action, Candidate, Category, Hold, categories
from privacy.selectors import subjects_holds
from privacy.services import arco_request_close_not_filed
from viaticos.rules_registry import enforces


@dataclass(frozen=True)
class Step:
    policy: RetentionPolicy
    candidate: Candidate
    action: str
    held: bool
    reason: str
    lift: bool = False  # a final action on a blocked record: its BlockedRecord goes (R-T2)

    @property
    def key(self) -> str:
        return self.candidate.key

    @property
    def blocked_key(self) -> str:
        return self.candidate.blocked_key or self.candidate.key


def _due(policy: RetentionPolicy, category, today: dt.date) -> list[Candidate]:
    """R-T1: the records whose clock started long enough ago, leaving out those whose final
    action is already logged. Set-based when the category declares `due_candidates`."""
    if category.due_candidates is not None:
        done = RetentionAction.objects.filter(policy=policy, action=policy.action).values(
            "record_key"
        )
        found = category.due_candidates(policy.clock_cutoff(today), done)
    else:
        found = category.candidates()
    # The SQL filter may be a day wider (time zones): the exact clock decides.
    return [c for c in found if policy.expires_on(c.clock_start) <= today]


@enforces("R-T2")
def _holds_on(category: Category, holds: list[Hold], declared) -> list[Hold]:
    """R-T2: the holds that keep a record of `category`: a LegalHold recorded for a category
    holds that category only (its `scope`; a category no app declares, mistyped, scopes
    nothing); the holds the apps declare (an open settlement, a sanction, an advance to settle),
    the ARCO requests in course and a LegalHold without a category hold all the person's data;
    a category acting on the whole person (the cancelación) is held by all."""
    if category.whole_person:
        return holds
    return [h for h in holds if h.scope in ("", category.code) or h.scope not in declared]


@enforces("R-T1", "R-T2", "R-T3")
def plan_retention(*, today: dt.date) -> list[Step]:
    """R-T3: what apply_retention would do on `today`, leaving out what is already done.

    A few queries per policy whatever the number of records: candidates by a date filter in
    SQL, what is done by an anti-join on the action log, the legal holds (R-T2) of all the
    candidates' subjects at once.
    """
    declared = categories()
    holds_cache: dict[int, list[Hold]] = {}
    steps: list[Step] = []
    for policy in RetentionPolicy.objects.filter(is_active=True).order_by("pk"):
        category = declared.get(policy.category)
        if category is None or category.candidates is None:
            continue  # the app holding this category has not declared it (yet)
        candidates = _due(policy, category, today)
        if not candidates:
            continue
        missing = {c.subject_id for c in candidates if c.subject_id is not None} - set(holds_cache)
        if missing:
            holds_cache.update(subjects_holds(missing, today))
        done_rows = RetentionAction.objects.filter(policy=policy)
        if category.due_candidates is not None:
            done_rows = done_rows.filter(action=Action.BLOCK)  # the rest is left out in SQL
        done = set(done_rows.values_list("record_key", "action"))
        for candidate in candidates:
            subject = candidate.subject_id
            holds = _holds_on(category, holds_cache.get(subject, []), declared) if subject else []
            # R-T2: a record under a legal hold is blocked, never deleted or anonymized.
            action = Action.BLOCK if holds else policy.action
            if (candidate.key, action) in done:
                continue
            reason = "; ".join(str(h.reason) for h in holds)
            # Blocked until the hold ends: the final action lifts the block.
            lift = not holds and (
                bool(candidate.blocked_key) or (candidate.key, Action.BLOCK) in done
            )
            steps.append(Step(policy, candidate, action, bool(holds), reason, lift))
    return steps


def _block_all(steps: list[Step], today: dt.date) -> dict[str, str]:
    """R-T2: keep the records, hidden from ordinary use (as record_block, in one insert)."""
    BlockedRecord.objects.bulk_create(
        [
            BlockedRecord(
                key=s.blocked_key,
                subject_id=s.candidate.subject_id,
                since=today,
                reason=(s.reason or s.policy.name)[:300] or "blocked",
            )
            for s in steps
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    return {s.key: "blocked: " + (s.reason or s.policy.name) for s in steps}


BATCH = 1000


@enforces("R-T3", "R-T4")
def apply_retention(*, today: dt.date, dry_run: bool = False) -> list[Step]:
    """R-T3: run the retention policies on `today`; a second run on the same date does nothing.

    R-T4: each category's `apply`/`apply_bulk` keeps amounts, dates and accounting document
    numbers. One transaction per policy and action, chunks of BATCH records; every action is
    logged (what, when, which policy) with one insert; files go after commit. R-T2: a record
    blocked while a hold applied is unblocked once its final action is taken.
    """
    steps = plan_retention(today=today)
    if dry_run:
        return steps
    declared = categories()
    groups: dict[tuple[int, str], list[Step]] = {}
    for step in steps:
        groups.setdefault((step.policy.pk, step.action), []).append(step)
    for (_policy_pk, action), group in groups.items():
        category = declared[group[0].policy.category]
        for start in range(0, len(group), BATCH):
            chunk = group[start : start + BATCH]
            with transaction.atomic():
                if action == Action.BLOCK:
                    details = _block_all(chunk, today)
                elif category.apply_bulk is not None:
                    details = category.apply_bulk([s.candidate for s in chunk], action)
                else:
                    apply = category.apply
                    assert apply is not None  # a category declares apply or apply_bulk
                    details = {s.key: apply(s.candidate, action) for s in chunk}
                if action != Action.BLOCK:
                    # R-T3: replayed after a restore from a backup taken before (erasures.py).
                    erasure_record_many(
                        [retention_entry(category.code, action, s.candidate) for s in chunk]
                    )
                lifted = [s.blocked_key for s in chunk if s.lift]
                if lifted:
                    BlockedRecord.objects.filter(key__in=lifted).delete()
                RetentionAction.objects.bulk_create(
                    [
                        RetentionAction(
                            policy=s.policy,
                            record_key=s.key,
                            action=s.action,
                            held=s.held,
                            run_date=today,
                            detail=str(details.get(s.key, ""))[:300],
                        )
                        for s in chunk
                    ],
                    batch_size=BATCH,
                )
    return steps


def close_uncorrected_requests(*, today: dt.date, dry_run: bool = False) -> list[ArcoRequest]:
    """R-A4: an observed request not corrected within its 5 business days is closed as not
    filed, with the letter saying so (the daily job's first step; idempotent: a closed request
    is no longer observed)."""
    due = list(
        ArcoRequest.objects.filter(
            status=ArcoRequest.Status.OBSERVED, correction_due_date__lt=today
        ).order_by("correction_due_date", "pk")
    )
    if dry_run:
        return due
    return [
        arco_request_close_not_filed(actor=None, request_id=request.pk, today=today)
        for request in due
    ]
