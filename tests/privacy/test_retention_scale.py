"""R-T3 at scale: apply_retention is set-based, its number of queries does not grow with the
number of records due, and a second run on the same date is a no-op."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.models import AccessLogEntry, ArcoRequest, BlockedRecord, RetentionAction

D = dt.date
TODAY = "2033-01-02"


def seed(n: int) -> None:
    """n people, each with an ARCO request closed in 2020 (due for anonymization); one in five
    also has a request in course (a legal hold: blocked), and n access-log lines of 2021."""
    User = get_user_model()
    users = User.objects.bulk_create(User(username=f"scale-{i}") for i in range(n))
    AR = ArcoRequest.Status
    received = D(2020, 3, 2)

    def request(i, user, status, closed_on):
        return ArcoRequest(
            tracking_code=f"ARCO-S{i:07d}",
            right=ArcoRequest.Right.ACCESO,
            status=status,
            full_name=f"Persona {i}",
            document_type="DNI",
            document_number=f"{70000000 + i}",
            email=f"p{i}@example.invalid",
            request_detail="Solicito acceso a mis datos personales.",
            notice_acknowledged=True,
            received_at=timezone.make_aware(dt.datetime(2020, 3, 2, 10)),
            received_on=received,
            counts_from=received,
            original_due_date=received + dt.timedelta(days=28),
            due_date=received + dt.timedelta(days=28),
            closed_on=closed_on,
            subject=user,
        )

    rows = [request(i, u, AR.ANSWERED, D(2020, 3, 20)) for i, u in enumerate(users)]
    rows += [request(n + i, u, AR.RECEIVED, None) for i, u in enumerate(users[::5])]
    ArcoRequest.objects.bulk_create(rows)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            subject=u,
            subject_label="Viajero",
            what="Documento de identidad",
            at=timezone.make_aware(dt.datetime(2021, 5, 4, 12)),
        )
        for u in users
    )


@pytest.mark.parametrize("n", [10, 200])
def test_r_t3_queries_do_not_grow_with_the_candidates(db, n, django_assert_max_num_queries):
    seed(n)
    # A few per category (each declared category costs at least its candidate query; the
    # outbox's sent and undeliverable messages are a category too; the dependants' one query
    # when nobody has dependants).
    with django_assert_max_num_queries(41):
        call_command("apply_retention", "--date", TODAY, stdout=StringIO())
    held = len(range(0, n, 5))
    assert RetentionAction.objects.filter(action="anonymize").count() == n - held
    assert RetentionAction.objects.filter(action="block", held=True).count() == held
    assert RetentionAction.objects.filter(action="delete").count() == n
    assert BlockedRecord.objects.count() == held
    assert not AccessLogEntry.objects.exists()
    anonymized = ArcoRequest.objects.filter(anonymized=True)
    assert anonymized.count() == n - held
    assert set(anonymized.values_list("full_name", "document_number", "email")) == {("—", "—", "")}

    # Second run on the same date: nothing to do, nothing written, a handful of queries.
    written = RetentionAction.objects.count()
    with django_assert_max_num_queries(23):  # about one per declared category
        out = StringIO()
        call_command("apply_retention", "--date", TODAY, stdout=out)
    assert "0 action(s)" in out.getvalue()
    assert RetentionAction.objects.count() == written


def test_r_t3_query_count_is_the_same_at_10_and_200_candidates(db):
    counts = []
    for n in (10, 200):
        RetentionAction.objects.all().delete()
        BlockedRecord.objects.all().delete()
        ArcoRequest.objects.all().delete()
        get_user_model().objects.filter(username__startswith="scale-").delete()
        seed(n)
        with CaptureQueriesContext(connection) as ctx:
            call_command("apply_retention", "--date", TODAY, stdout=StringIO())
        counts.append(len(ctx.captured_queries))
    # SQLite splits a large insert by its limit of bound parameters (999): at most a few more.
    assert counts[1] - counts[0] <= (0 if connection.vendor == "postgresql" else 3), counts


def test_r_t3_dry_run_reports_the_same_counts_and_writes_nothing(db):
    seed(20)
    out = StringIO()
    call_command("apply_retention", "--date", TODAY, "--dry-run", stdout=out)
    assert "[dry run] 40 action(s)" in out.getvalue()  # 16 anonymized, 4 blocked, 20 deleted
    assert not RetentionAction.objects.exists() and not BlockedRecord.objects.exists()
    assert AccessLogEntry.objects.count() == 20
    out = StringIO()
    call_command("apply_retention", "--date", TODAY, stdout=out)
    assert "40 action(s)" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["apply_retention", "enforce_deadlines"])
def test_daily_commands_refuse_a_malformed_date_with_the_same_message(command):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"Invalid --date '2026-02-30': use YYYY-MM-DD"):
        call_command(command, "--date", "2026-02-30")
