"""Load the demo organization, its projects, one account per role, the seed's rate table and
a year of sample exchange rates."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from viaticos.demo_rates import demo_rates_load
from viaticos.models import Organization, Project, TravelerProfile
from viaticos.roles import STAFF_ROLES, Role, sync_role_permissions

DEMO_PASSWORD = "viaticos-demo"

# username, first name, last name, roles, (document number, home country, entity kind)
DEMO_USERS = [
    ("viajero", "Lucía", "Quispe", [Role.TRAVELER], ("45879632", "PE", "own")),
    ("viajera2", "Rosa", "Huamán", [Role.TRAVELER], ("40112233", "PE", "member_institution")),
    (
        "coordinador",
        "Carlos",
        "Mendoza",
        [Role.PROJECT_COORDINATOR, Role.TRAVELER],
        ("41234567", "PE", "own"),
    ),
    ("coordinadora2", "Ana", "Torres", [Role.PROJECT_COORDINATOR], None),
    ("finanzas", "Jorge", "Salazar", [Role.FINANCE_DIRECTOR], None),
    ("secretaria", "María", "Rojas", [Role.EXECUTIVE_SECRETARY], None),
    ("administrador", "Pedro", "Castillo", [Role.GENERAL_ADMINISTRATOR], None),
    ("contador", "Elena", "Vargas", [Role.GENERAL_ACCOUNTANT], None),
    ("asistente", "Diego", "Flores", [Role.ACCOUNTING_ASSISTANT], None),
    ("tesoreria", "Sofía", "Ramírez", [Role.TREASURY], None),
    ("privacidad", "Julia", "Paredes", [Role.PRIVACY_OFFICER], None),
    ("auditor", "Raúl", "Benavides", [Role.AUDITOR], None),
]

DEMO_PROJECTS = [
    (
        "PREVDA",
        "Programa Regional de Reducción de la Vulnerabilidad",
        "Unión Europea",
        "coordinador",
    ),
    ("GIRH-AC", "Gestión Integral del Riesgo de Desastres en los Andes", "BID", "coordinadora2"),
]


class Command(BaseCommand):
    help = "Load the demo organization and one account per role (refused when DEBUG is off)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts with a known password and is refused when DEBUG is "
                "off. Create real accounts with createsuperuser and the admin instead."
            )
        with transaction.atomic():
            self._load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(DEMO_USERS)} accounts, password '{DEMO_PASSWORD}' (see README)."
            )
        )

    def _load(self) -> None:
        sync_role_permissions()
        # Only the first time: finance may have edited the rates since.
        if not apps.get_model("missions", "RateTable").objects.exists():
            call_command("loaddata", "rates_seed", verbosity=0)
        # a year of sample rates (marked as such), so any demo receipt converts.
        demo_rates_load(today=timezone.localdate())
        Organization.objects.get_or_create(
            pk=1,
            defaults={
                "name": "Secretaría Ejecutiva Regional (demo)",
                "tax_id": "20512345678",
                "address": "Av. Javier Prado Este 1234, San Isidro, Lima",
                "duty_city": "Lima",
                "duty_country": "PE",
            },
        )
        User = get_user_model()
        users = {}
        for username, first, last, roles, profile in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.viaticos.local",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = any(role in STAFF_ROLES for role in roles)
            user.save()
            user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
            if profile:
                number, country, entity_kind = profile
                TravelerProfile.objects.get_or_create(
                    user=user,
                    defaults={
                        "document_type": TravelerProfile.DocumentType.DNI,
                        "document_number": number,
                        "home_country": country,
                        "entity_kind": entity_kind,
                        "entity_name": ""
                        if entity_kind == "own"
                        else "Instituto Nacional de Defensa Civil",
                    },
                )
            users[username] = user
        for code, name, donor, coordinator in DEMO_PROJECTS:
            Project.objects.get_or_create(
                code=code,
                defaults={"name": name, "donor": donor, "coordinator": users[coordinator]},
            )
        # Each app may add its own demo records in `<app>/demo.py: load(users)`.
        for config in apps.get_app_configs():
            if config.name in {"missions", "settlements", "deadlines", "books", "privacy"}:
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.load(users)
