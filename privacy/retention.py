"""R-T1…R-T4: the retention job, idempotent, logging every action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from privacy.models import ArcoRequest, RetentionAction, RetentionPolicy
from privacy.registry import Action, Candidate, Hold, categories
from privacy.selectors import subject_holds
from privacy.services import arco_request_close_not_filed, record_block
from viaticos.rules_registry import enforces


@dataclass(frozen=True)
class Step:
    policy: RetentionPolicy
    candidate: Candidate
    action: str
    held: bool
    reason: str

    @property
    def key(self) -> str:
        return self.candidate.key


@enforces("R-T1", "R-T2", "R-T3")
def plan_retention(*, today: dt.date) -> list[Step]:
    """R-T3: what apply_retention would do on `today`, leaving out what is already done."""
    declared = categories()
    users = get_user_model().objects
    holds_cache: dict[int, list[Hold]] = {}
    steps: list[Step] = []
    for policy in RetentionPolicy.objects.filter(is_active=True):
        category = declared.get(policy.category)
        if category is None or category.candidates is None:
            continue  # the app holding this category has not declared it (yet)
        done = set(
            RetentionAction.objects.filter(policy=policy).values_list("record_key", "action")
        )
        for candidate in category.candidates():
            if policy.expires_on(candidate.clock_start) > today:
                continue
            holds: list[Hold] = []
            if candidate.subject_id is not None:
                if candidate.subject_id not in holds_cache:
                    user = users.filter(pk=candidate.subject_id).first()
                    holds_cache[candidate.subject_id] = (
                        subject_holds(user, today) if user is not None else []
                    )
                holds = holds_cache[candidate.subject_id]
            # R-T2: a record under a legal hold is blocked, never deleted or anonymized.
            action = Action.BLOCK if holds else policy.action
            if (candidate.key, action) in done:
                continue
            reason = "; ".join(str(h.reason) for h in holds)
            steps.append(Step(policy, candidate, action, bool(holds), reason))
    return steps


@enforces("R-T3", "R-T4")
def apply_retention(*, today: dt.date, dry_run: bool = False) -> list[Step]:
    """R-T3: run the retention policies on `today`; a second run on the same date does nothing.

    R-T4: each category's `apply` keeps amounts, dates and accounting document numbers.
    """
    steps = plan_retention(today=today)
    if dry_run:
        return steps
    declared = categories()
    for step in steps:
        with transaction.atomic():
            if step.action == Action.BLOCK:
                record_block(
                    key=step.key,
                    subject_id=step.candidate.subject_id,
                    today=today,
                    holds=[Hold(reason=step.reason or step.policy.name, data_kept="")],
                )
                detail = "blocked: " + (step.reason or step.policy.name)
            else:
                detail = declared[step.policy.category].apply(step.candidate, step.action)
            RetentionAction.objects.create(
                policy=step.policy,
                record_key=step.key,
                action=step.action,
                held=step.held,
                run_date=today,
                detail=str(detail)[:300],
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
