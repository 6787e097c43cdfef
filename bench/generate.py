"""Synthetic year of a large organization for `make bench` (bulk inserts, no per-row saves).

At scale 1.0: 5,000 travelers, 60,000 missions with one advance each, 50,000 settlements,
400,000 receipts, 10,000 ARCO requests (seven years of them, so retention has work), advances
overdue at every age, plus the named rows the measurements need (see `Named`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from missions import spend
from missions.models import Advance, Destination, Mission, MissionLeg
from missions.rules import LegInput, plan_per_diem, result_to_snapshot
from privacy.models import AccessLogEntry, ArcoRequest, RelationshipEnd
from settlements.models import Document, Receipt, Settlement
from viaticos.models import Organization, Project, TravelerProfile
from viaticos.roles import Role

BATCH = 5_000
FULL = {
    "travelers": 5_000,
    "missions": 60_000,
    "settlements": 50_000,
    "receipts": 400_000,
    "arco": 10_000,
    "access_log": 20_000,
    "heavy_rows": 10_000,
}
D = Decimal


@dataclass
class Named:
    """Rows the measurements look up by role rather than by chance."""

    password: str = "bench"
    users: dict[str, int] = field(default_factory=dict)
    settlement_50: int = 0
    settlement_bundle: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def sizes(scale: float) -> dict[str, int]:
    out = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    out["travelers"] = max(out["travelers"], 20)
    out["missions"] = max(out["missions"], 120)
    out["settlements"] = min(max(out["settlements"], 60), out["missions"] - 30)
    out["heavy_rows"] = max(out["heavy_rows"], 20)
    out["arco"] = max(out["arco"], 60)
    return out


class Progress:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.start = time.perf_counter()

    def __call__(self, what: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.start
        self.out.write(f"\r  {what:<14} {done:>9,}/{total:<9,} {elapsed:7.1f} s")
        if done >= total:
            self.out.write("\n")
        self.out.flush()


def bulk(model, rows, what: str, progress: Progress, total: int):
    """bulk_create in batches of BATCH; returns the created objects (with pks on PostgreSQL)."""
    created, batch = [], []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            created += model.objects.bulk_create(batch)
            batch = []
            progress(what, len(created), total)
    if batch or not created:
        created += model.objects.bulk_create(batch)
        progress(what, len(created), total)
    return created


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _user(username: str, first: str, last: str) -> object:
    User = get_user_model()
    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@bench.invalid",
        password="md5$bench$" + "0" * 32,  # never used: the bench signs in with force_login
    )


FIRST = ["Ana", "Luis", "María", "José", "Rosa", "Carlos", "Lucía", "Jorge", "Elena", "Pedro"]
LAST = ["Quispe", "Flores", "Rojas", "Torres", "Vargas", "Castillo", "Mendoza", "Huamán"]


def generate(scale: float, *, today: dt.date, seed: int = 9, out=sys.stdout) -> Named:
    rnd = random.Random(seed)
    n = sizes(scale)
    named = Named(counts=dict(n))
    progress = Progress(out)
    User = get_user_model()
    call_command("loaddata", "rates_seed", verbosity=0)
    if not Organization.objects.exists():
        Organization.objects.create(
            name="Organización Regional",
            tax_id="20100000001",
            address="Av. Principal 100, Lima",
            duty_city="Lima",
            duty_country="PE",
        )
    org = Organization.current()
    destinations = list(Destination.objects.filter(rates__isnull=False).distinct().order_by("pk"))
    groups = {g.name: g for g in Group.objects.all()}

    # --- people --------------------------------------------------------------------------
    staff_roles = {
        "bench_secretary": [Role.EXECUTIVE_SECRETARY],
        "bench_finance": [Role.FINANCE_DIRECTOR],
        "bench_accountant": [Role.GENERAL_ACCOUNTANT],
        "bench_assistant": [Role.ACCOUNTING_ASSISTANT],
        "bench_treasury": [Role.TREASURY],
        "bench_privacy": [Role.PRIVACY_OFFICER],
        "bench_auditor": [Role.AUDITOR],
    }
    n_coord = max(4, n["travelers"] // 100)
    people = [_user(u, "Bench", u.split("_")[1].title()) for u in staff_roles]
    people += [_user(f"coord{i:03d}", rnd.choice(FIRST), rnd.choice(LAST)) for i in range(n_coord)]
    people += [
        _user(f"trav{i:05d}", rnd.choice(FIRST), f"{rnd.choice(LAST)} {i}")
        for i in range(n["travelers"])
    ]
    users = bulk(User, people, "users", progress, len(people))
    by_name = {u.username: u for u in users}
    admin = User.objects.create_superuser("bench_admin", "admin@bench.invalid", "bench")
    coordinators = [by_name[f"coord{i:03d}"] for i in range(n_coord)]
    travelers = [by_name[f"trav{i:05d}"] for i in range(n["travelers"])]
    Through = User.groups.through
    links = [
        Through(user_id=by_name[u].pk, group_id=groups[r[0]].pk) for u, r in staff_roles.items()
    ]
    links += [
        Through(user_id=c.pk, group_id=groups[Role.PROJECT_COORDINATOR].pk) for c in coordinators
    ]
    links += [Through(user_id=c.pk, group_id=groups[Role.TRAVELER].pk) for c in coordinators]
    links += [Through(user_id=t.pk, group_id=groups[Role.TRAVELER].pk) for t in travelers]
    bulk(Through, links, "roles", progress, len(links))
    kinds = list(TravelerProfile.EntityKind)
    profiles = [
        TravelerProfile(
            user=t,
            kind=TravelerProfile.Kind.STAFF if i % 5 else TravelerProfile.Kind.PARTNER_STAFF,
            document_type="DNI",
            document_number=f"{40000000 + i}",
            home_country="PE",
            entity_kind=kinds[0] if i % 7 else rnd.choice(kinds[1:3]),
            entity_name="" if i % 7 else f"Entidad {i % 40}",
        )
        for i, t in enumerate(travelers)
    ]
    bulk(TravelerProfile, profiles, "profiles", progress, len(profiles))
    projects = Project.objects.bulk_create(
        Project(code=f"P{i:03d}", name=f"Proyecto {i}", donor="Donante", coordinator=c)
        for i, c in enumerate(coordinators * 2)
    )
    named.users = {u: by_name[u].pk for u in staff_roles}
    named.users["admin"] = admin.pk
    small, heavy = travelers[0], travelers[1]
    named.users.update(traveler=travelers[2].pk, traveler_small=small.pk, traveler_heavy=heavy.pk)
    named.users["coordinator"] = coordinators[0].pk

    # --- missions, legs, advances ----------------------------------------------------------
    snapshot = result_to_snapshot(
        plan_per_diem(
            kind=Mission.Kind.ORDINARY,
            departure_at=_aware(today, 7),
            return_at=_aware(today + dt.timedelta(days=3), 19),
            legs=[
                LegInput(
                    destination=destinations[0],
                    arrive_at=_aware(today, 11),
                    leave_at=_aware(today + dt.timedelta(days=3), 15),
                )
            ],
        )
    )
    total = D(snapshot["total"])
    secretary, finance = by_name["bench_secretary"], by_name["bench_finance"]
    assistant, accountant = by_name["bench_assistant"], by_name["bench_accountant"]
    plans = []  # (traveler, project, departure day, days, status)
    owners = [small] * 10 + [heavy] * n["heavy_rows"]
    owners += [travelers[2 + i % (len(travelers) - 2)] for i in range(n["missions"] - len(owners))]
    rnd.shuffle(owners)
    S = Mission.Status
    for traveler in owners:
        start = today + dt.timedelta(days=rnd.randint(-365, 45))
        days = rnd.randint(1, 6)
        back = start + dt.timedelta(days=days)
        if start > today + dt.timedelta(days=10):
            status = rnd.choice([S.DRAFT, S.SUBMITTED, S.SUBMITTED])
        elif start > today:
            status = rnd.choice([S.SUBMITTED, S.AUTHORIZED, S.AUTHORIZED, S.AUTHORIZED])
        elif back >= today:
            status = S.IN_PROGRESS
        else:
            status = S.RETURNED  # settled ones become CLOSED below
        if rnd.random() < 0.01:
            status = rnd.choice([S.CANCELLED, S.REJECTED])
        plans.append((traveler, rnd.choice(projects), start, days, status))

    def mission_rows():
        for traveler, project, start, days, status in plans:
            authorized = status not in (S.DRAFT, S.SUBMITTED, S.REJECTED)
            yield Mission(
                traveler=traveler,
                project=project,
                budget_line="2.1.3",
                purpose="Taller regional de planificación",
                expected_results="Plan operativo aprobado",
                departure_at=_aware(start, 7),
                return_at=_aware(start + dt.timedelta(days=days), 19),
                planned_perdiem=snapshot,
                planned_total=total,
                status=status,
                coordinator_authorized_by=project.coordinator if authorized else None,
                coordinator_authorized_at=_aware(start, 6) if authorized else None,
                secretary_authorized_by=secretary if authorized else None,
                secretary_authorized_at=_aware(start, 6) if authorized else None,
            )

    missions = bulk(Mission, mission_rows(), "missions", progress, len(plans))
    legs = (
        MissionLeg(
            mission=m,
            order=1,
            destination=destinations[m.pk % len(destinations)],
            arrive_at=m.departure_at + dt.timedelta(hours=4),
            leave_at=m.return_at - dt.timedelta(hours=4),
        )
        for m in missions
    )
    bulk(MissionLeg, legs, "legs", progress, len(missions))

    # Which returned missions have a settlement: all but the overdue ones (about 6%, at every
    # age) and the not-yet-started recent ones, up to the target number of settlements.
    returned = [m for m in missions if m.status == S.RETURNED]
    returned.sort(key=lambda m: m.return_at)
    settled_set = set()
    budget = n["settlements"]
    for m in returned:
        if budget and rnd.random() > 0.06:
            settled_set.add(m.pk)
            budget -= 1
    A = Advance.Status
    advance_of = {}

    now = timezone.now()

    def before(m, days):
        """Approved, signed or paid some days before departure, and never after now (an
        upcoming mission's advance is already paid, today at the latest)."""
        return min(m.departure_at - dt.timedelta(days=days), now)

    def advance_rows():
        for m in missions:
            if m.status in (S.DRAFT, S.REJECTED) or m.status == S.SUBMITTED:
                status = A.REQUESTED
            elif m.status == S.AUTHORIZED:
                status = rnd.choice([A.REQUESTED, A.APPROVED, A.SIGNED, A.DISBURSED])
            elif m.status == S.CANCELLED:
                status = A.CANCELLED
            else:
                status = A.DISBURSED
            approved = status not in (A.REQUESTED, A.CANCELLED)
            disbursed = status == A.DISBURSED
            coordinator = m.project.coordinator
            yield Advance(
                mission=m,
                perdiem_amount=total,
                terminal_estimate=D("80.00"),
                amount=total + D("80.00"),
                status=status,
                priority=rnd.random() < 0.03,
                requested_by=m.traveler,
                coordinator_approved_by=coordinator if approved else None,
                coordinator_approved_at=before(m, 5) if approved else None,
                finance_approved_by=finance if approved else None,
                finance_approved_at=before(m, 4) if approved else None,
                signed_at=before(m, 3) if approved else None,
                disbursed_by=by_name["bench_treasury"] if disbursed else None,
                disbursed_at=before(m, 2) if disbursed else None,
                disbursed_on=timezone.localdate(before(m, 2)) if disbursed else None,
                method=Advance.Method.TRANSFER if disbursed else "",
                reference=f"OP-{m.pk}" if disbursed else "",
            )

    for a in bulk(Advance, advance_rows(), "advances", progress, len(missions)):
        advance_of[a.mission_id] = a

    # --- settlements and receipts ----------------------------------------------------------
    ST = Settlement.Status
    recent = today - dt.timedelta(days=45)
    settle_plan = []
    for m in returned:
        if m.pk not in settled_set:
            continue
        back = m.return_at.date()
        if back < recent:
            status = ST.CLOSED if rnd.random() < 0.97 else ST.SETTLED
        else:
            status = rnd.choice([ST.DRAFT, ST.SUBMITTED, ST.RECEIVED, ST.REVIEWED, ST.SETTLED])
        settle_plan.append((m, status))
    # The settlement with 50 receipts and the one whose 20 receipts get stamped.
    big_index, bundle_index = len(settle_plan) // 2, len(settle_plan) // 2 + 1
    settle_plan[big_index] = (settle_plan[big_index][0], ST.RECEIVED)
    settle_plan[bundle_index] = (settle_plan[bundle_index][0], ST.SUBMITTED)

    def settlement_rows():
        for m, status in settle_plan:
            advance = advance_of[m.pk]
            received = status not in (ST.DRAFT, ST.SUBMITTED, ST.RETURNED)
            settled = status in (ST.SETTLED, ST.CLOSED)
            back = m.return_at
            yield Settlement(
                mission=m,
                advance=advance,
                status=status,
                actual_departure_at=m.departure_at,
                actual_return_at=back,
                perdiem=snapshot,
                viaticos_recognized=total,
                advance_amount=advance.amount,
                terminal_accepted=D("60.00"),
                balance=D("-20.00"),
                submitted_at=back + dt.timedelta(days=2) if status != ST.DRAFT else None,
                received_by=assistant if received else None,
                received_at=back + dt.timedelta(days=3) if received else None,
                reviewed_by=accountant if settled else None,
                reviewed_at=back + dt.timedelta(days=4) if settled else None,
                settled_by=accountant if settled else None,
                settled_on=(back + dt.timedelta(days=5)).date() if settled else None,
            )

    settlements = bulk(Settlement, settlement_rows(), "settlements", progress, len(settle_plan))
    named.settlement_50 = settlements[big_index].pk
    named.settlement_bundle = settlements[bundle_index].pk
    closed_missions = [s.mission_id for s in settlements if s.status == ST.CLOSED]
    settled_advances = [s.advance_id for s in settlements if s.status in (ST.CLOSED, ST.SETTLED)]
    Mission.objects.filter(pk__in=closed_missions).update(status=S.CLOSED)
    Advance.objects.filter(pk__in=settled_advances).update(
        status=A.SETTLED, settled_at=timezone.now()
    )

    per = [0] * len(settlements)
    per[big_index], per[bundle_index] = 50, 20
    left = n["receipts"] - 70
    for _ in range(max(0, left)):
        i = rnd.randrange(len(settlements))
        if i not in (big_index, bundle_index):
            per[i] += 1
    categories = ["airport_tax", "taxi", "local_transport", "internet", "phone", "other"]
    counter = iter(range(10**9))

    def receipt_rows():
        for s, count in zip(settlements, per, strict=True):
            day = s.actual_departure_at.date()
            decided = s.status in (ST.SETTLED, ST.CLOSED)
            for _ in range(count):
                k = next(counter)
                amount = D(rnd.randint(500, 9000)) / 100
                yield Receipt(
                    settlement=s,
                    receipt_type="invoice" if k % 3 else "ticket",
                    category=categories[k % len(categories)],
                    issuer_name=f"Proveedor {k % 997}",
                    issuer_tax_id=f"2060{k % 997:07d}",
                    number=f"F{k:09d}",
                    customer_name=org.name,
                    customer_tax_id=org.tax_id,
                    date=day,
                    currency="USD",
                    amount=amount,
                    amount_usd=amount,
                    description="Taxi aeropuerto–hotel",
                    duplicate_key=f"2060{k % 997:07d}:F{k:09d}",
                    decision="accepted" if decided else "pending",
                    accepted_usd=amount if decided else None,
                )

    receipts = bulk(Receipt, receipt_rows(), "receipts", progress, sum(per))

    # Documents: one per receipt of the two named settlements; real files for the bundle.
    big = [r for r in receipts if r.settlement_id == named.settlement_50]
    docs = []
    for i, r in enumerate(big):
        docs.append(
            Document(
                settlement_id=r.settlement_id,
                receipt=r,
                kind=Document.Kind.RECEIPT,
                file=f"bench/{r.pk}.pdf",
                original_name=f"factura-{i}.pdf",
                content_type="application/pdf",
                sha256=f"{r.pk:064d}",
                uploaded_by_id=settlements[big_index].mission.traveler_id,
            )
        )
    # The bundle's 20 receipts are phone photos (issue 23): 12 MP, grainy, about 3.5 MB, one
    # in four held upright (EXIF orientation 6). Small ones in a smoke run.
    from bench import documents as real

    photo_size = real.SMOKE_PHOTO_SIZE if os.environ.get("BENCH_SMOKE") == "1" else None
    for i, r in enumerate(x for x in receipts if x.settlement_id == named.settlement_bundle):
        photo = real.phone_photo(
            i, size=photo_size or real.PHOTO_SIZE, orientation=6 if i % 4 == 3 else 1
        )
        name = default_storage.save(f"bench/bundle-{r.pk}.jpg", io.BytesIO(photo))
        docs.append(
            Document(
                settlement_id=r.settlement_id,
                receipt=r,
                kind=Document.Kind.RECEIPT,
                file=name,
                original_name=f"IMG_{2031 + i}.jpg",
                content_type="image/jpeg",
                sha256=f"{10**12 + r.pk:064d}",
                uploaded_by_id=settlements[bundle_index].mission.traveler_id,
            )
        )
    Document.objects.bulk_create(docs)

    # --- privacy: ARCO requests over seven years, access log over three -------------------
    officer = by_name["bench_privacy"]
    rights = list(ArcoRequest.Right)
    AR = ArcoRequest.Status

    def arco_rows():
        for i in range(n["arco"]):
            received = today - dt.timedelta(days=rnd.randint(0, 7 * 365))
            age = (today - received).days
            if age > 40:
                status = rnd.choice([AR.ANSWERED, AR.ANSWERED, AR.REFUSED])
                if rnd.random() < 0.01:
                    status = AR.RECEIVED  # overdue, never answered
            else:
                status = rnd.choice([AR.RECEIVED, AR.RECEIVED, AR.OBSERVED, AR.EXTENDED])
            due = received + dt.timedelta(days=28)
            closed = status in (AR.ANSWERED, AR.REFUSED)
            subject = travelers[i % len(travelers)] if i % 3 == 0 else None
            yield ArcoRequest(
                tracking_code=f"ARCO-B{i:07d}",
                right=rights[i % len(rights)],
                status=status,
                full_name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                document_type="DNI",
                document_number=f"{70000000 + i}",
                email=f"persona{i}@bench.invalid",
                request_detail="Solicito acceso a mis datos personales.",
                notice_acknowledged=True,
                received_at=_aware(received, 10),
                received_on=received,
                counts_from=received,
                original_due_date=due,
                due_date=due,
                closed_on=received + dt.timedelta(days=15) if closed else None,
                outcome=ArcoRequest.Outcome.GRANTED if status == AR.ANSWERED else "",
                refusal_ground="data_not_held" if status == AR.REFUSED else "",
                subject=subject,
            )

    bulk(ArcoRequest, arco_rows(), "ARCO requests", progress, n["arco"])
    log = (
        AccessLogEntry(
            actor=officer,
            subject=travelers[i % len(travelers)],
            subject_label="Viajero",
            what="Documento de identidad",
            at=_aware(today - dt.timedelta(days=rnd.randint(0, 3 * 365)), 12),
        )
        for i in range(n["access_log"])
    )
    bulk(AccessLogEntry, log, "access log", progress, n["access_log"])
    # People who left seven years ago (their identity data is due for anonymization).
    ended = travelers[-max(2, len(travelers) // 100) :]
    RelationshipEnd.objects.bulk_create(
        RelationshipEnd(user=u, ended_on=today - dt.timedelta(days=7 * 365)) for u in ended
    )
    # Advances were inserted in bulk, not paid through the service: add up the monthly spend.
    spend.rebuild()
    named.counts.update(
        settlements=len(settlements),
        receipts=len(receipts),
        overdue_candidates=Advance.objects.filter(status=A.DISBURSED, mission__status=S.RETURNED)
        .exclude(mission__settlement__isnull=False)
        .count(),
    )
    return named


def named_from_db() -> Named:
    """The named rows of a dataset generated earlier (BENCH_REUSE=1)."""
    from django.db.models import Count

    User = get_user_model()
    names = {u.username: u.pk for u in User.objects.filter(username__startswith="bench_")}
    named = Named(users={k: v for k, v in names.items() if k != "bench_admin"})
    named.users.update(
        admin=names["bench_admin"],
        traveler=User.objects.get(username="trav00002").pk,
        traveler_small=User.objects.get(username="trav00000").pk,
        traveler_heavy=User.objects.get(username="trav00001").pk,
        coordinator=User.objects.get(username="coord000").pk,
    )
    by_count = Settlement.objects.annotate(n=Count("receipts"))
    named.settlement_50 = by_count.filter(n=50, status=Settlement.Status.RECEIVED).first().pk
    named.settlement_bundle = by_count.filter(n=20, status=Settlement.Status.SUBMITTED).first().pk
    named.counts = {
        "travelers": TravelerProfile.objects.count(),
        "missions": Mission.objects.count(),
        "settlements": Settlement.objects.count(),
        "receipts": Receipt.objects.count(),
        "arco": ArcoRequest.objects.count(),
        "access_log": AccessLogEntry.objects.count(),
        "heavy_rows": Mission.objects.filter(traveler_id=named.users["traveler_heavy"]).count(),
    }
    return named
