"""Roles of SPEC §1 as Django groups with explicit permissions.

The groups are created by a data migration; their permissions are (re)attached after every
migrate (`sync_role_permissions`), so that an app adding a permission only adds it here.
A permission listed here that does not exist yet (its app's models are not migrated) is skipped.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAVELER = "traveler", _("Traveler")
    PROJECT_COORDINATOR = "project_coordinator", _("Project Coordinator")
    FINANCE_DIRECTOR = "finance_director", _("Finance Director")
    EXECUTIVE_SECRETARY = "executive_secretary", _("Executive Secretary")
    GENERAL_ADMINISTRATOR = "general_administrator", _("General Administrator")
    GENERAL_ACCOUNTANT = "general_accountant", _("General Accountant")
    ACCOUNTING_ASSISTANT = "accounting_assistant", _("Accounting Assistant")
    TREASURY = "treasury", _("Treasury")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy Officer")
    AUDITOR = "auditor", _("Auditor")


# "app_label.codename" per role. Django's view_* permissions give read access in the admin;
# custom permissions (declared in each model's Meta.permissions) name business actions.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.TRAVELER: [],
    Role.PROJECT_COORDINATOR: [
        "viaticos.view_project",
        "missions.authorize_mission",
        "missions.stop_mission",
        "missions.approve_advance",
    ],
    Role.FINANCE_DIRECTOR: [
        "settlements.approve_expense_exception",
        "missions.view_approvalalternate",
        "missions.add_approvalalternate",
        "missions.change_approvalalternate",
        "missions.delete_approvalalternate",
        "missions.view_delegation",
        "viaticos.view_rolechange",
        "viaticos.view_organization",
        "viaticos.view_project",
        "viaticos.add_project",
        "viaticos.change_project",
        "missions.view_destination",
        "missions.add_destination",
        "missions.change_destination",
        "missions.view_ratetable",
        "missions.add_ratetable",
        "missions.change_ratetable",
        "missions.view_rate",
        "missions.add_rate",
        "missions.change_rate",
        "missions.delete_rate",
        "missions.view_quote",
        "missions.add_quote",
        "missions.decide_quote",
        "viaticos.view_exchangerate",
        "viaticos.add_exchangerate",
        "viaticos.change_exchangerate",
        "viaticos.view_exchangeratefeed",
        "missions.view_mission",
        "missions.view_advance",
        "missions.approve_advance",
        # SPEC §2.5: the donor-approved budget, and authorizing beyond a line.
        "missions.view_budgetline",
        "missions.add_budgetline",
        "missions.change_budgetline",
        "missions.override_budget",
        *[f"books.view_{m}" for m in ("account", "accountmapping", "journalentry", "journalline")],
        "books.add_accountmapping",
        "books.change_accountmapping",
    ],
    Role.EXECUTIVE_SECRETARY: [
        "viaticos.view_project",
        "missions.view_approvalalternate",
        "missions.view_delegation",
        "missions.view_mission",
        "missions.authorize_mission",
        "missions.stop_mission",
    ],
    Role.GENERAL_ADMINISTRATOR: [
        "settlements.approve_expense_exception",
        "missions.view_approvalalternate",
        "missions.add_approvalalternate",
        "missions.change_approvalalternate",
        "missions.delete_approvalalternate",
        "missions.view_delegation",
        "viaticos.view_rolechange",
        # Outgoing e-mails: see the undeliverable ones with their error and queue them again.
        "viaticos.view_outboxmessage",
        "viaticos.change_outboxmessage",
        "viaticos.view_organization",
        "viaticos.change_organization",
        "viaticos.view_project",
        "viaticos.add_project",
        "viaticos.change_project",
        "viaticos.view_closureday",
        "viaticos.add_closureday",
        "viaticos.change_closureday",
        "viaticos.delete_closureday",
        "viaticos.view_travelerprofile",
        "viaticos.add_travelerprofile",
        "viaticos.change_travelerprofile",
    ],
    Role.GENERAL_ACCOUNTANT: [
        "settlements.view_settlement",
        "deadlines.apply_sanction",
        "deadlines.export_payroll",
        "deadlines.view_deadline_dashboard",
        "deadlines.view_sanction",
        "deadlines.view_payrolldeductionorder",
        "deadlines.view_documentationrequirement",
        "settlements.settle_settlement",
        "viaticos.view_project",
        "viaticos.view_travelerprofile",
        "viaticos.view_closureday",
        "missions.view_destination",
        "missions.view_ratetable",
        "missions.view_rate",
        "missions.view_quote",
        "viaticos.view_exchangerate",
        "viaticos.view_exchangeratefeed",
        # SPEC §2.5: the journal and its chart of accounts.
        "missions.view_budgetline",
        *[f"books.view_{m}" for m in ("account", "accountmapping", "journalentry", "journalline")],
        "books.add_account",
        "books.change_account",
        "books.add_accountmapping",
        "books.change_accountmapping",
        "books.reverse_journalentry",
    ],
    Role.ACCOUNTING_ASSISTANT: [
        "viaticos.view_project",
        "settlements.view_settlement",
        "settlements.receive_settlement",
    ],
    Role.TREASURY: ["viaticos.view_project", "missions.view_advance", "missions.disburse_advance"],
    Role.PRIVACY_OFFICER: [
        "viaticos.view_travelerprofile",
        "privacy.handle_arcorequest",
        *[
            f"privacy.{verb}_{model}"
            for model in (
                "privacynotice",
                "purpose",
                "retentionpolicy",
                "legalhold",
                "relationshipend",
                "databank",
                "processor",
                "transfer",
                "securityincident",
                "officerdesignation",
                "impactassessment",
                "securitydocument",
            )
            for verb in ("view", "add", "change")
        ],
        *[
            f"privacy.view_{model}"
            for model in (
                "arcorequest",
                "consentevent",
                "noticeacknowledgement",
                "retentionaction",
                "accesslogentry",
            )
        ],
    ],
    Role.AUDITOR: [],  # read-only on everything: filled in by sync_role_permissions
}

# Roles that may open the Django admin (read-only or to edit reference data).
STAFF_ROLES = {
    Role.FINANCE_DIRECTOR,
    Role.GENERAL_ADMINISTRATOR,
    Role.GENERAL_ACCOUNTANT,
    Role.PRIVACY_OFFICER,
    Role.AUDITOR,
}

PROJECT_APPS = ("viaticos", "missions", "settlements", "deadlines", "privacy", "books")


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def sync_role_permissions() -> None:
    """Attach to each role group exactly the permissions ROLE_PERMISSIONS gives it."""
    ensure_role_groups()
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, names in ROLE_PERMISSIONS.items():
        wanted = [perms[name] for name in names if name in perms]
        if role == Role.AUDITOR:
            wanted = [
                p
                for key, p in perms.items()
                if p.codename.startswith("view_") and key.split(".")[0] in PROJECT_APPS
            ]
        Group.objects.get(name=role.value).permissions.set(wanted)


def user_roles(user: User | AnonymousUser | None) -> set[Role]:
    """The roles a user holds (cached on the user object for the request)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return set()
    cached: set[Role] | None = getattr(user, "_viaticos_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        setattr(user, "_viaticos_roles", cached)  # noqa: B010  (a per-request cache, not a field)
    return cached


def has_role(user: User | AnonymousUser | None, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))
