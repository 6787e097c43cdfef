from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import (
    AccessLogEntry,
    ArcoRequest,
    ConsentEvent,
    DataBank,
    ImpactAssessment,
    IncidentCommunication,
    LegalHold,
    NoticeAcknowledgement,
    OfficerDesignation,
    PrivacyNotice,
    Processor,
    Purpose,
    RelationshipEnd,
    RetentionAction,
    RetentionPolicy,
    SecurityDocument,
    SecurityIncident,
    Transfer,
)
from privacy.registry import StartEvent
from viaticos.admin import MaskedFieldsAdmin, ReadOnlyAdmin, TravelerProfileAdmin
from viaticos.models import TravelerProfile


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(SimpleHistoryAdmin):
    list_display = ["version", "effective_on", "title_es", "content_hash"]
    readonly_fields = ["content_hash"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is evidence of what people accepted: publish a new one instead.
        if obj is not None:
            return [f.name for f in obj._meta.fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.content_hash = PrivacyNotice.compute_hash(
            obj.title_es, obj.text_es, obj.title_en, obj.text_en
        )
        super().save_model(request, obj, form, change)


@admin.register(Purpose)
class PurposeAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name_es",
        "legal_basis",
        "optional",
        "sensitive",
        "minors",
        "is_active",
    ]
    list_filter = ["legal_basis", "optional", "is_active"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "purpose", "decision", "channel", "ip_address", "notice_hash"]
    list_filter = ["decision", "channel", "purpose"]
    list_select_related = ["user", "purpose"]


@admin.register(NoticeAcknowledgement)
class NoticeAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "notice", "channel", "ip_address"]
    list_select_related = ["user", "notice"]


@admin.register(ArcoRequest)
class ArcoRequestAdmin(MaskedFieldsAdmin, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["tracking_code", "right", "status", "received_on", "due_date", "closed_on"]
    list_filter = ["right", "status"]
    exclude = ["ip_address"]
    # SPEC §5.4: masked like the traveler profile's; "?reveal=1" shows them, logged (R-S3).
    masked_fields = {"document_number": 3, "representative_document_number": 3}

    def log_reveal(self, request, obj):
        from privacy import ratelimit, services

        services.access_log_record(
            actor=request.user,
            what=_("Identity document number revealed (admin)"),
            subject=obj.subject,
            subject_label=obj.full_name,
            record_key=f"privacy.arcorequest:{obj.pk}",
            ip=ratelimit.client_address(request),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """R-S3: reading an ARCO file here is logged like on the officer's page."""
        from privacy import ratelimit, services

        req = self.get_object(request, object_id)
        if req is not None and self.has_view_permission(request, req):
            services.access_log_record(
                actor=request.user,
                what=_("ARCO file"),
                subject=req.subject,
                subject_label=req.full_name,
                record_key=f"privacy.arcorequest:{req.pk}",
                ip=ratelimit.client_address(request),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.action(description=_("Apply the financial-sector preset (10 years after the relationship)"))
def financial_preset(modeladmin, request, queryset):
    count = 0
    for policy in queryset:
        policy.period_years = 10
        policy.start_event = StartEvent.END_OF_RELATIONSHIP
        policy._change_reason = "financial-sector preset"
        policy.save(update_fields=["period_years", "start_event"])
        count += 1
    messages.success(request, _("%(n)s policies changed.") % {"n": count})


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "category",
        "name",
        "period_years",
        "start_event",
        "action",
        "legal_basis",
        "is_active",
    ]
    actions = [financial_preset]


@admin.register(LegalHold)
class LegalHoldAdmin(SimpleHistoryAdmin):
    list_display = ["subject", "reason", "category", "started_on", "ended_on"]
    list_filter = ["reason"]


@admin.register(RelationshipEnd)
class RelationshipEndAdmin(SimpleHistoryAdmin):
    list_display = ["user", "ended_on"]


@admin.register(RetentionAction)
class RetentionActionAdmin(ReadOnlyAdmin):
    list_display = ["at", "run_date", "policy", "record_key", "action", "held", "detail"]
    list_filter = ["action", "held", "policy"]


@admin.register(DataBank)
class DataBankAdmin(SimpleHistoryAdmin):
    list_display = ["name", "registration_code", "has_sensitive_data"]


@admin.register(Processor)
class ProcessorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "service", "country"]


@admin.register(Transfer)
class TransferAdmin(SimpleHistoryAdmin):
    list_display = ["recipient", "country", "purpose", "reported_on"]


@admin.register(AccessLogEntry)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "subject_label", "what", "ip_address"]
    list_select_related = ["actor"]


@admin.register(ImpactAssessment)
class ImpactAssessmentAdmin(SimpleHistoryAdmin):
    """Reglamento D.S. 016-2024-JUS: impact assessments with their dates."""

    list_display = ["title", "risk", "performed_on", "next_review_on"]
    list_filter = ["risk"]


@admin.register(SecurityDocument)
class SecurityDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["version", "approved_on", "approved_by", "next_review_on"]


@admin.register(OfficerDesignation)
class OfficerDesignationAdmin(SimpleHistoryAdmin):
    """Reglamento D.S. 016-2024-JUS: who the Oficial de Datos Personales is, the deputy, the
    act, the dates and when the Authority was told."""

    list_display = ["officer", "deputy", "act", "starts_on", "ends_on", "communicated_on"]
    list_select_related = ["officer", "deputy"]


class IncidentCommunicationInline(admin.TabularInline):
    """R-S4: what was sent, to whom and when (written by privacy.incidents only)."""

    model = IncidentCommunication
    extra = 0
    can_delete = False
    fields = ("at", "kind", "to", "subject", "sent_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SecurityIncident)
class SecurityIncidentAdmin(SimpleHistoryAdmin):
    list_display = ["detected_at", "people_affected", "notify_by", "authority_notified_at"]
    filter_horizontal = ["affected_users"]
    readonly_fields = [
        "reported_by",
        "reported_at",
        "alerted_at",
        "alerted_24h_at",
        "alerted_final_at",
    ]
    inlines = [IncidentCommunicationInline]


def _mask(value: str, keep: int) -> str:
    return f"···{value[-keep:]}" if value else "—"


# R-S3: reading a traveler's identity document and bank data in the admin is logged: the
# profile's page and its past versions (the history list and each version's form).
# SPEC §5.4: both are masked by default; "Reveal" (?reveal=1) shows the document number, logged
# on its own. The bank account is never edited here: only its holder changes it, in Mi cuenta,
# with a second approval (viaticos.bank_changes).
class LoggedTravelerProfileAdmin(TravelerProfileAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        if kwargs.get("fields"):
            kwargs["fields"] = [f for f in kwargs["fields"] if f != "notice_channel"]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form
        from django import forms as django_forms

        from privacy.models import Channel

        class AddForm(form):
            # R-P1: the notice is given before the data is collected, and how is recorded.
            notice_channel = django_forms.ChoiceField(
                label=_("Privacy notice given"),
                choices=[
                    (Channel.PAPER, Channel.PAPER.label),
                    (Channel.ELECTRONIC, Channel.ELECTRONIC.label),
                ],
                help_text=_("How the person received the privacy notice before giving these data."),
            )

        return AddForm

    def get_fields(self, request, obj=None):
        fields = [f for f in self._secret_fields(request, obj) if f != "notice_channel"]
        return [*fields, "notice_channel"] if obj is None else fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            from privacy.notice_builder import notice_given_record

            notice_given_record(
                user=obj.user, channel=form.cleaned_data["notice_channel"], actor=request.user
            )

    @admin.display(description=_("identity document number"))
    def masked_document(self, obj):
        return _mask(obj.document_number, 3) if obj else "—"

    @admin.display(description=_("bank account"))
    def masked_bank_account(self, obj):
        return _mask(obj.bank_account, 4) if obj else "—"

    def _revealing(self, request, obj) -> bool:
        return obj is not None and request.GET.get("reveal") == "1"

    def _secret_fields(self, request, obj=None):
        fields = [
            f
            for f in super().get_fields(request, obj)
            if f
            not in {"bank_account", "document_number", "masked_document", "masked_bank_account"}
        ]
        number = "document_number" if obj is None or self._revealing(request, obj) else None
        at = fields.index("document_type") + 1 if "document_type" in fields else len(fields)
        return [*fields[:at], number or "masked_document", *fields[at:], "masked_bank_account"]

    def get_readonly_fields(self, request, obj=None):
        return [
            *super().get_readonly_fields(request, obj),
            "masked_document",
            "masked_bank_account",
        ]

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The history list shows what changed, except the secret values themselves."""
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=["document_number", "document_number_hash", "bank_account"],
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def _log_read(self, request, object_id, what=None) -> None:
        from privacy.services import access_log_record

        profile = TravelerProfile.objects.select_related("user").filter(pk=object_id).first()
        if profile is not None and request.method == "GET":
            access_log_record(
                actor=request.user,
                what=what or str(_("Identity document and bank data (admin)")),
                subject=profile.user,
                record_key=f"viaticos.travelerprofile:{profile.pk}",
                ip=request.META.get("REMOTE_ADDR"),
            )
            if what is None and request.GET.get("reveal") == "1":
                self._log_read(request, object_id, _("Identity document number revealed (admin)"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log_read(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log_read(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._log_read(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


admin.site.unregister(TravelerProfile)
admin.site.register(TravelerProfile, LoggedTravelerProfileAdmin)
