from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User as UserModel
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    # django-simple-history ships no types: its admin is a ModelAdmin with a history view.
    from django.contrib.admin import ModelAdmin as SimpleHistoryAdmin
else:
    from simple_history.admin import SimpleHistoryAdmin

from viaticos import outbox
from viaticos.models import (
    ClosureDay,
    ExchangeRate,
    ExchangeRateFeed,
    Organization,
    OutboxMessage,
    Project,
    RoleChange,
    TravelerProfile,
)
from viaticos.people import without_blocked
from viaticos.types import AuthenticatedHttpRequest


class _NoHandEdits:
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(_NoHandEdits, admin.ModelAdmin[Any]):
    """Business records and evidence: readable in the admin (the Auditor has every view_*
    permission), changed only through the services, which check the status, lock and keep the
    history (R-P3, R-S3, R-T3 for the privacy evidence)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)


def mask(value: str, keep: int) -> str:
    """SPEC §5.4: a secret shown by its last `keep` characters ("···632")."""
    return f"···{value[-keep:]}" if value else "—"


if TYPE_CHECKING:
    _MaskedBase = SimpleHistoryAdmin[Any]
else:
    _MaskedBase = object


class MaskedFieldsAdmin(_MaskedBase):
    """SPEC §5.4, R-S3: identity document numbers (and the like) masked by default on a read-only
    admin page, shown in full with "?reveal=1" and that reveal logged on its own (the subclass's
    `log_reveal`). `masked_fields` maps each field to the characters kept; the history pages
    show the masked value too."""

    masked_fields: dict[str, int] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for field, keep in cls.masked_fields.items():

            def shown(
                self: MaskedFieldsAdmin, obj: Model | None, field: str = field, keep: int = keep
            ) -> str:
                return mask(getattr(obj, field), keep) if obj else "—"

            shown.__name__ = f"masked_{field}"
            setattr(cls, f"masked_{field}", shown)

    def __init__(self, model: type[Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        for field in self.masked_fields:
            model_field = model._meta.get_field(field)
            assert isinstance(model_field, Field)  # a masked field is a concrete column
            getattr(type(self), f"masked_{field}").short_description = model_field.verbose_name

    def revealing(self, request: HttpRequest, obj: Model | None) -> bool:
        return obj is not None and request.GET.get("reveal") == "1"

    def log_reveal(self, request: HttpRequest, obj: Model) -> None:
        raise NotImplementedError

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = [str(f) for f in super().get_fields(request, obj)]
        if self.revealing(request, obj):
            return [f for f in fields if not f.startswith("masked_")]
        masked = {f"masked_{f}" for f in self.masked_fields}
        return [
            f"masked_{f}" if f in self.masked_fields else f
            for f in fields
            if f not in masked or f.removeprefix("masked_") not in fields
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [
            *super().get_readonly_fields(request, obj),
            *(f"masked_{f}" for f in self.masked_fields),
        ]

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if self.revealing(request, obj):
            return super().get_exclude(request, obj)
        return [*(super().get_exclude(request, obj) or []), *self.masked_fields]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        if request.method == "GET" and request.GET.get("reveal") == "1":
            obj = self.get_object(request, object_id)
            if obj is not None and self.has_view_permission(request, obj):
                self.log_reveal(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """The history list (django-simple-history) says what changed, without the values."""
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=list(self.masked_fields),
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(  # type: ignore[attr-defined]  # simple-history ships no types
                    request, previous
                )
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class ReadOnlyInline(_NoHandEdits, admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin[Organization]):
    list_display = ["name", "tax_id", "duty_city", "duty_country", "base_currency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Organization.objects.exists()


class ProjectForm(forms.ModelForm[Project]):
    change_reason = forms.CharField(
        label=_("Reason for the change of coordinator"),
        required=False,
        max_length=300,
        help_text=_(
            "Required when the coordinator changes; kept in the project's history. Approvals "
            "already given are not affected."
        ),
    )

    class Meta:
        model = Project
        fields = ["code", "name", "donor", "coordinator", "is_active"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            self.instance.pk
            and "coordinator" in self.changed_data
            and not (data.get("change_reason") or "").strip()
        ):
            self.add_error("change_reason", _("Say why the coordinator changes."))
        return data


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin[Project]):
    """R-3.1s: a change of coordinator is recorded with who and why."""

    form = ProjectForm
    list_display = ["code", "name", "donor", "coordinator", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "donor"]
    list_select_related = ["coordinator"]

    def save_model(
        self, request: HttpRequest, obj: Project, form: forms.ModelForm[Project], change: bool
    ) -> None:
        reason = (form.cleaned_data.get("change_reason") or "").strip()
        obj._change_reason = reason or ("created" if not change else "edited")
        super().save_model(request, obj, form, change)


class RoleChangeForm(forms.ModelForm[Any]):
    role_change_reason = forms.CharField(
        label=_("Reason for a change of roles"),
        required=False,
        max_length=300,
        help_text=_("Required when groups (roles) change; kept in the role change log."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            self.instance.pk
            and "groups" in self.changed_data
            and not (data.get("role_change_reason") or "").strip()
        ):
            self.add_error("role_change_reason", _("Say why the roles change."))
        return data


class PersonChangeForm(RoleChangeForm, UserChangeForm[UserModel]):
    pass


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin[UserModel]):
    """Django's user admin, with every change of roles logged with who and why (R-3.1s)."""

    form = PersonChangeForm
    fieldsets = (
        *(UserAdmin[UserModel].fieldsets or ()),
        (_("Reason"), {"fields": ("role_change_reason",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[UserModel]:
        """R-T2: a blocked person is not shown in the admin (not the purpose of the hold)."""
        return without_blocked(super().get_queryset(request))

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[UserModel], formsets: Any, change: bool
    ) -> None:
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        reason = (form.cleaned_data.get("role_change_reason") or "").strip() or str(
            _("new account")
        )
        changed_by = request.user if isinstance(request.user, UserModel) else None  # admin: staff
        RoleChange.objects.bulk_create(
            [
                RoleChange(
                    user=form.instance,
                    role=name,
                    change=RoleChange.Change.ADDED if name in after else RoleChange.Change.REMOVED,
                    changed_by=changed_by,
                    reason=reason,
                )
                for name in sorted(before ^ after)
            ]
        )


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "change", "role", "changed_by", "reason"]
    list_filter = ["role", "change"]
    search_fields = ["user__username", "user__last_name", "reason"]
    list_select_related = ["user", "changed_by"]


@admin.register(TravelerProfile)
class TravelerProfileAdmin(SimpleHistoryAdmin[TravelerProfile]):
    list_display = ["__str__", "kind", "entity_kind", "home_country"]
    list_filter = ["kind", "entity_kind"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    list_select_related = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TravelerProfile]:
        """R-T2: a blocked person's profile (document, bank data) is not shown in the admin."""
        return without_blocked(super().get_queryset(request), "user")


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin[ClosureDay]):
    list_display = ["date", "reason"]
    date_hierarchy = "date"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin[ExchangeRate]):
    """Read-mostly (R-3.10): rates arrive through `import_exchange_rates`; a correction keeps
    its history."""

    list_display = ["currency", "date", "units_per_usd", "source", "imported_at"]
    list_filter = ["currency", "source"]
    date_hierarchy = "date"
    search_fields = ["currency", "source"]
    readonly_fields = ["imported_at"]

    def has_delete_permission(self, request: HttpRequest, obj: ExchangeRate | None = None) -> bool:
        return request.user.is_superuser

    def save_model(
        self,
        request: HttpRequest,
        obj: ExchangeRate,
        form: forms.ModelForm[ExchangeRate],
        change: bool,
    ) -> None:
        """R-3.10: a rate added or corrected here reaches the receipts of its date, like one
        imported or fetched (viaticos.exchange.rates_changed)."""
        from django.db import transaction

        from viaticos.exchange import rates_changed

        changes: dict[str, set[dt.date]] = {}
        for currency, date in ((obj.currency, obj.date), *self._before(form)):
            changes.setdefault(currency.upper(), set()).add(date)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            rates_changed.send(sender=ExchangeRate, changes=changes)

    @staticmethod
    def _before(form: forms.ModelForm[ExchangeRate]) -> list[tuple[str, dt.date]]:
        initial = form.initial
        if initial.get("currency") and initial.get("date"):
            return [(initial["currency"], initial["date"])]
        return []


@admin.register(ExchangeRateFeed)
class ExchangeRateFeedAdmin(ReadOnlyAdmin):
    """How the daily `fetch_exchange_rates` went for each central bank (R-3.10)."""

    list_display = [
        "country",
        "source",
        "currency",
        "last_attempt_at",
        "last_success_at",
        "latest_rate_date",
        "last_error",
    ]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Outgoing e-mails: what is queued, sent or undeliverable (with its error); undeliverable
    ones are queued again with the action (viaticos.outbox)."""

    list_display = ["created_at", "kind", "subject", "status", "attempts", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Nothing is edited by hand: the change permission only allows queueing again.
        return request.user.has_perm("viaticos.change_outboxmessage")

    @admin.action(
        description=_("Queue the selected undeliverable e-mails again"), permissions=["retry"]
    )
    def retry(self, request: AuthenticatedHttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox.outbox_retry(
            actor=request.user, message_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext("%(n)s e-mail queued again.", "%(n)s e-mails queued again.", count)
            % {"n": count},
        )
