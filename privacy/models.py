"""Personal data protection (Ley 29733): notices, consent, ARCO requests, retention, registers."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from privacy.registry import Action, StartEvent
from viaticos.crypto import EncryptedCharField

if TYPE_CHECKING:
    from django.contrib.auth.models import User
from viaticos.models import HistoryNotes

USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    ARCO = "arco", _("ARCO request")
    PAPER = "paper", _("Paper form")
    EMAIL = "email", _("E-mail")
    # R-P1: the notice handed over when a traveler's profile is created, by e-mail or screen.
    ELECTRONIC = "electronic", _("Electronic (e-mail or screen)")


# --- R-P1 notices ---


class PrivacyNotice(models.Model):
    """R-P1: a versioned privacy notice (Spanish and English) with its content hash."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    effective_on = models.DateField(_("effective date"))
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_es = models.TextField(_("text (Spanish)"))
    text_en = models.TextField(_("text (English)"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} ({self.effective_on:%Y-%m-%d})"

    @staticmethod
    def compute_hash(title_es: str, text_es: str, title_en: str, text_en: str) -> str:
        joined = "\x1e".join([title_es, text_es, title_en, text_en]).encode()
        return hashlib.sha256(joined).hexdigest()

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "es").startswith("en") else self.title_es

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "es").startswith("en") else self.text_es


class Purpose(models.Model):
    """R-P2: a purpose of processing with its legal basis; optional ones need consent."""

    class LegalBasis(models.TextChoices):
        CONTRACT = "contract", _("Employment or service contract")
        CONSENT = "consent", _("Consent")
        LEGAL_DUTY = "legal_duty", _("Legal duty")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_es = models.TextField(_("description (Spanish)"))
    description_en = models.TextField(_("description (English)"))
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    optional = models.BooleanField(
        _("optional"), default=False, help_text=_("Not indispensable: asked separately.")
    )
    sensitive = models.BooleanField(
        _("sensitive data"),
        default=False,
        help_text=_("Economic income, bank or health data: express electronic consent (R-P4)."),
    )
    minors = models.BooleanField(
        _("concerns minors"),
        default=False,
        help_text=_("Dependants under 14: consent given by the parent or guardian (R-P4)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purpose of processing")
        verbose_name_plural = _("purposes of processing")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es

    @property
    def description(self) -> str:
        en = (get_language() or "es").startswith("en")
        return self.description_en if en else self.description_es

    @property
    def needs_consent(self) -> bool:
        return self.legal_basis == self.LegalBasis.CONSENT


class NoticeAcknowledgement(models.Model):
    """R-P2: the notice was shown to the person (the duty to inform, even without consent)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notice_acks")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="acks")
    notice_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("notice acknowledgement")
        verbose_name_plural = _("notice acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="privacy_ack_once_per_notice")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.notice}"


class ConsentEvent(models.Model):
    """R-P3: evidence of every consent given, refused or revoked (append-only)."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="events")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True)
    notice_hash = models.CharField(_("notice hash"), max_length=64, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    as_guardian = models.BooleanField(
        _("given as parent or guardian"), default=False, help_text=_("R-P4: minors under 14.")
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.purpose} — {self.decision}"


# --- R-A1…R-A7 ARCO requests ---


class ArcoRequest(models.Model):
    class Right(models.TextChoices):
        INFORMACION = "informacion", _("Information")
        ACCESO = "acceso", _("Access")
        RECTIFICACION = "rectificacion", _("Rectification")
        CANCELACION = "cancelacion", _("Cancellation (erasure)")
        OPOSICION = "oposicion", _("Objection")
        TRATAMIENTO_OBJETIVO = "tratamiento_objetivo", _("Objective processing")
        PORTABILIDAD = "portabilidad", _("Portability")

    class DocumentType(models.TextChoices):
        DNI = "DNI", _("DNI")
        CE = "CE", _("Foreigner's card (CE)")
        PASAPORTE = "PASAPORTE", _("Passport")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        OBSERVED = "observed", _("Waiting for the requester's correction")
        EXTENDED = "extended", _("Deadline extended")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")
        NOT_FILED = "not_filed", _("Closed as not filed")

    class RefusalGround(models.TextChoices):
        NOT_SUBJECT = (
            "not_subject",
            _("The requester is not the data subject or an accredited representative"),
        )
        DATA_NOT_HELD = "data_not_held", _("The organization does not hold the data")
        LEGAL_IMPEDIMENT = "legal_impediment", _("A legal impediment")
        REPEATED = "repeated", _("The same request is already pending")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PARTIAL = "partial", _("Granted in part")
        DENIED = "denied", _("Denied")

    class IdentityMethod(models.TextChoices):
        """R-A1: how the officer verified that the requester is the person (or their
        accredited representative) before anything is disclosed or changed."""

        IN_PERSON = "in_person", _("In person, with the original identity document")
        VIDEO_CALL = "video_call", _("Video call, with the original identity document shown")
        KNOWN_EMAIL = "known_email", _("Confirmed from the e-mail address already on file")
        NOTARIZED = "notarized", _("Signature certified by a notary")

    OPEN_STATUSES = (Status.RECEIVED, Status.OBSERVED, Status.EXTENDED)

    tracking_code = models.CharField(_("tracking code"), max_length=40, unique=True)
    right = models.CharField(_("right"), max_length=25, choices=Right.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    full_name = models.CharField(_("full name"), max_length=200)
    document_type = models.CharField(
        _("identity document type"), max_length=10, choices=DocumentType.choices
    )
    # Encrypted at rest like the traveler profile's (viaticos.crypto); nothing searches requests
    # by it: the tracking code finds a request, the profile's lookup hash finds the person.
    document_number = EncryptedCharField(_("identity document number"), max_length=20)
    email = models.EmailField(_("e-mail for notifications"), blank=True)
    address = models.CharField(_("address for notifications"), max_length=300, blank=True)
    request_detail = models.TextField(_("request"))
    notice_acknowledged = models.BooleanField(_("notice acknowledged"), default=False)
    representative_name = models.CharField(_("representative"), max_length=200, blank=True)
    representative_document_number = EncryptedCharField(
        _("representative's document number"), max_length=20, blank=True
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # The language the request was filed in: its e-mails, letters and PDFs are written in it.
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("es", _("Spanish")), ("en", _("English"))],
        default="es",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_on = models.DateField(_("received on"))
    counts_from = models.DateField(
        _("deadline counts from"), help_text=_("Receipt, or the correction (R-A4).")
    )
    original_due_date = models.DateField(_("original due date"))
    due_date = models.DateField(_("due date"))
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    observed_on = models.DateField(_("observed on"), null=True, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    correction_due_date = models.DateField(_("correction due"), null=True, blank=True)
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    correction_text = models.TextField(_("correction"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    refusal_ground = models.CharField(
        _("refusal ground"), max_length=20, choices=RefusalGround.choices, blank=True
    )
    response_text = models.TextField(_("response"), blank=True)
    data_delivery_due = models.DateField(_("data delivery due"), null=True, blank=True)
    data_delivered_on = models.DateField(_("data delivered on"), null=True, blank=True)
    response_letter = models.CharField(max_length=200, blank=True)
    # R-A1: the requester opened the link sent to `email` and confirmed it is theirs; until then
    # nothing carrying personal data is sent there (see services.personal_data_recipient).
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    subject = models.ForeignKey(
        USER,
        verbose_name=_("data subject (account)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arco_requests",
    )
    # R-A1: how identity was verified, by whom and when; nothing is disclosed or changed
    # before (privacy.services.require_identity_verified).
    identity_method = models.CharField(
        _("identity verified by"), max_length=20, choices=IdentityMethod.choices, blank=True
    )
    identity_note = models.CharField(_("how identity was verified"), max_length=300, blank=True)
    identity_verified_by = models.ForeignKey(
        USER,
        verbose_name=_("identity verified by (officer)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    # R-A1 tratamiento objetivo: a person (not a program) reviewed the automated decision.
    human_review_by = models.ForeignKey(
        USER,
        verbose_name=_("decision reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    human_review_at = models.DateTimeField(_("decision reviewed at"), null=True, blank=True)
    human_review_decision = models.CharField(_("decision reviewed"), max_length=300, blank=True)
    human_review_outcome = models.TextField(_("outcome of the review"), blank=True)
    anonymized = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["ip_address"])

    class Meta:
        verbose_name = _("ARCO request")
        verbose_name_plural = _("ARCO requests")
        ordering = ["due_date", "pk"]
        permissions = [("handle_arcorequest", "Can handle ARCO requests")]
        indexes = [
            # The Privacy Officer's queue (R-A7): the requests in course (OPEN_STATUSES), a
            # small share of all of them, by due date.
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(status__in=["received", "observed", "extended"]),
                name="arco_open_by_due",
            ),
            # …and the acceso answered with the data still to deliver (R-A2): fewer still.
            models.Index(
                fields=["data_delivery_due", "id"],
                condition=models.Q(data_delivery_due__isnull=False, data_delivered_on__isnull=True),
                name="arco_data_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} — {self.get_right_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def by_representative(self) -> bool:
        return bool(self.representative_name)

    @property
    def email_differs_from_account(self) -> bool:
        """R-A1: the address typed on the form is not the linked account's (flagged to the
        officer; letters with personal data go to the account's address)."""
        if not self.subject_id or not self.subject:
            return False
        return (self.email or "").strip().lower() != (self.subject.email or "").strip().lower()


class ArcoAttachment(models.Model):
    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity document")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
        SUPPORTING = "supporting", _("Supporting document")
        CORRECTION = "correction", _("Correction")
        RESPONSE = "response", _("Response letter")
        EXPORT_PDF = "export_pdf", _("Data export (PDF)")
        EXPORT_JSON = "export_json", _("Data export (JSON)")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")

    request = models.ForeignKey(ArcoRequest, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    storage_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.request_id} — {self.kind}"


class ArcoDelivery(models.Model):
    """R-A6: every message sent to the requester and its delivery."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        OBSERVATIONS = "observations", _("Observations")
        EXTENSION = "extension", _("Extension")
        RESPONSE = "response", _("Response")
        DATA = "data", _("Data delivered (acceso)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued for sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        PENDING = "pending", _("To dispatch by post")
        DELIVERED = "delivered", _("Delivered")
        HELD = "held", _("Held until the e-mail address is confirmed")

    request = models.ForeignKey(ArcoRequest, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10)  # "email" or "post"
    to = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} — {self.to} — {self.status}"


# --- R-T1…R-T4 retention ---


class RetentionPolicy(models.Model):
    category = models.CharField(_("data category"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    period_years = models.PositiveSmallIntegerField(_("period (years)"))
    start_event = models.CharField(_("clock starts at"), max_length=30, choices=StartEvent.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    action = models.CharField(_("action at the end"), max_length=10, choices=Action.choices)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["category"]

    def __str__(self) -> str:
        return self.name

    def expires_on(self, clock_start: dt.date) -> dt.date:
        year = clock_start.year + self.period_years
        try:
            return clock_start.replace(year=year)
        except ValueError:  # 29 February
            return clock_start.replace(year=year, day=28)

    def clock_cutoff(self, today: dt.date) -> dt.date:
        """The latest clock start whose period has ended by `today` (expires_on(d) <= today for
        every d up to it): the date filter of the set-based candidate queries (R-T1)."""
        year = today.year - self.period_years
        try:
            cutoff = today.replace(year=year)
        except ValueError:  # 29 February
            cutoff = today.replace(year=year, day=28)
        while self.expires_on(cutoff + dt.timedelta(days=1)) <= today:
            cutoff += dt.timedelta(days=1)  # 29 February of a leap year expires on the 28th
        return cutoff


class LegalHold(models.Model):
    """R-T2: a hold recorded by the Privacy Officer (litigation, sanction...)."""

    class Reason(models.TextChoices):
        OPEN_SETTLEMENT = "open_settlement", _("Open settlement")
        SANCTION = "sanction", _("Sanction in course")
        LITIGATION = "litigation", _("Litigation")
        ARCO = "arco", _("ARCO request in course")
        OTHER = "other", _("Other")

    subject = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="legal_holds")
    category = models.CharField(_("data category"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    description = models.TextField(_("description"))
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return f"{self.subject} — {self.get_reason_display()}"


class RelationshipEnd(models.Model):
    """End of a person's relationship with the organization: starts some retention clocks."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="relationship_end")
    ended_on = models.DateField(_("relationship ended on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("end of relationship")
        verbose_name_plural = _("ends of relationship")

    def __str__(self) -> str:
        return f"{self.user} — {self.ended_on}"


class BlockedRecord(models.Model):
    """R-T2: a blocked record, kept but hidden from ordinary use until the hold ends."""

    key = models.CharField(max_length=120, unique=True)
    subject = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    since = models.DateField()
    reason = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.key


class RetentionAction(models.Model):
    """R-T3: what apply_retention did, when and under which policy."""

    policy = models.ForeignKey(RetentionPolicy, on_delete=models.PROTECT, related_name="actions")
    record_key = models.CharField(max_length=120)
    action = models.CharField(max_length=10, choices=Action.choices)
    held = models.BooleanField(default=False)
    run_date = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("retention action")
        verbose_name_plural = _("retention actions")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "record_key", "action"], name="privacy_retention_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.record_key}"


# --- R-S1…R-S4 registers ---


class DataBank(models.Model):
    """R-S1: a personal data bank of the organization."""

    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    categories = models.TextField(_("data categories"))
    has_sensitive_data = models.BooleanField(_("holds sensitive data"), default=False)
    collection = models.CharField(_("how collected"), max_length=300)
    systems = models.CharField(_("systems"), max_length=300)
    registration_code = models.CharField(
        _("code in the national register"), max_length=50, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data bank")
        verbose_name_plural = _("data banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Processor(models.Model):
    """R-S2: a processor (encargado del tratamiento)."""

    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("service"), max_length=300)
    country = models.CharField(_("country"), max_length=2)
    hosts = models.CharField(
        _("host names"),
        max_length=300,
        blank=True,
        help_text=_(
            "Host names this processor runs for us (mail, storage, cache), comma-separated: "
            "the configuration check looks for them."
        ),
    )
    contract_reference = models.CharField(_("contract"), max_length=200, blank=True)
    data_banks = models.ManyToManyField(DataBank, blank=True, related_name="processors")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("processor")
        verbose_name_plural = _("processors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """R-S2: a national or cross-border transfer."""

    recipient = models.CharField(_("recipient"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    purpose = models.CharField(_("purpose"), max_length=300)

    class Guarantee(models.TextChoices):
        """Ley 29733 art. 15 and the Reglamento: what makes a cross-border flow lawful."""

        ADEQUATE_COUNTRY = "adequate_country", _("Country with an adequate level of protection")
        CONTRACT_CLAUSES = "contract_clauses", _("Contractual clauses with the recipient")
        CONTRACT_EXECUTION = (
            "contract_execution",
            _("Needed to perform the contract with the data subject"),
        )
        CONSENT = "consent", _("Consent of the data subject")
        NATIONAL = "national", _("National transfer (no cross-border guarantee needed)")
        OTHER_LEGAL = "other_legal", _("Other exception of Ley 29733 art. 15 (see the detail)")

    guarantee = models.CharField(_("guarantee"), max_length=30, choices=Guarantee.choices)
    guarantee_detail = models.CharField(_("guarantee detail"), max_length=300, blank=True)
    reported_on = models.DateField(_("reported to the Authority on"), null=True, blank=True)
    data_banks = models.ManyToManyField(DataBank, blank=True, related_name="transfers")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["recipient"]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.country})"


class AccessLogEntry(models.Model):
    """R-S3: a staff read of a person's sensitive record."""

    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    subject = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_label = models.CharField(_("whose"), max_length=200)
    what = models.CharField(_("what"), max_length=200)
    record_key = models.CharField(max_length=120, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} → {self.subject_label}: {self.what}"


class SecurityIncident(HistoryNotes, models.Model):
    """R-S4: a security incident; the Authority and those affected are told within 48 hours."""

    NOTIFY_WITHIN = dt.timedelta(hours=48)

    detected_at = models.DateTimeField(_("detected at"))
    nature = models.TextField(_("nature"))
    data_categories = models.CharField(_("data categories affected"), max_length=300)
    people_affected = models.PositiveIntegerField(_("number of people affected"))
    measures = models.TextField(_("measures taken"))
    notification_required = models.BooleanField(_("must be notified"), default=True)
    authority_notified_at = models.DateTimeField(_("Authority notified at"), null=True, blank=True)
    subjects_notified_at = models.DateTimeField(
        _("people affected notified at"), null=True, blank=True
    )
    # R-S4: who reported it (any staff member) and the alerts to the Oficial and the deputy.
    reported_by = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    affected_users: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("people affected with an account")
    )
    alerted_at = models.DateTimeField(_("first alert sent at"), null=True, blank=True)
    alerted_24h_at = models.DateTimeField(_("24-hour alert sent at"), null=True, blank=True)
    alerted_final_at = models.DateTimeField(_("last alert sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("security incident")
        verbose_name_plural = _("security incidents")
        ordering = ["-detected_at"]

    def __str__(self) -> str:
        return f"{self.detected_at:%Y-%m-%d %H:%M} — {self.nature[:60]}"

    @property
    def notify_by(self) -> dt.datetime:
        return self.detected_at + self.NOTIFY_WITHIN

    @property
    def notification_pending(self) -> bool:
        return self.notification_required and (
            self.authority_notified_at is None or self.subjects_notified_at is None
        )


class OfficerDesignation(models.Model):
    """The designation of the Oficial de Datos Personales (Reglamento D.S. 016-2024-JUS):
    who, the deputy, the act that designates them, from when to when, and when the Authority
    was told. The designation in force is named in notices, letters and incident reports."""

    officer = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Oficial de Datos Personales"),
    )
    deputy = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("deputy"),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        help_text=_("The address people write to (a role mailbox the deputy also reads)."),
    )
    act = models.CharField(
        _("act or resolution"), max_length=200, help_text=_("e.g. Resolución 012-2026-DE.")
    )
    designated_on = models.DateField(_("designated on"))
    starts_on = models.DateField(_("in office from"))
    ends_on = models.DateField(_("in office until"), null=True, blank=True)
    communicated_on = models.DateField(_("communicated to the Authority on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("designation of the Oficial de Datos Personales")
        verbose_name_plural = _("designations of the Oficial de Datos Personales")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="officerdesignation_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} ({self.starts_on:%d/%m/%Y})"


class IncidentCommunication(models.Model):
    """R-S4: every alert, report to the Authority and notice to a person affected, as sent."""

    class Kind(models.TextChoices):
        ALERT = "alert", _("Alert to the Oficial and the deputy")
        AUTHORITY = "authority", _("Report to the Authority")
        SUBJECT = "subject", _("Notice to a person affected")

    incident = models.ForeignKey(
        SecurityIncident, on_delete=models.CASCADE, related_name="communications"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    to = models.CharField(_("to"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    sent_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("incident communication")
        verbose_name_plural = _("incident communications")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"


class ImpactAssessment(models.Model):
    """A data-protection impact assessment (Reglamento D.S. 016-2024-JUS), with its dates."""

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    title = models.CharField(_("title"), max_length=200)
    processing = models.TextField(_("processing assessed"))
    risk = models.CharField(_("residual risk"), max_length=10, choices=Risk.choices)
    measures = models.TextField(_("measures"))
    performed_on = models.DateField(_("performed on"))
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("impact assessment")
        verbose_name_plural = _("impact assessments")
        ordering = ["-performed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.performed_on:%d/%m/%Y})"


class SecurityDocument(models.Model):
    """The security document (documento de seguridad) in force and its earlier versions."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    approved_on = models.DateField(_("approved on"))
    approved_by = models.CharField(_("approved by"), max_length=200)
    summary = models.TextField(_("summary of the measures"))
    location = models.CharField(_("where the full document is kept"), max_length=300, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("security document")
        verbose_name_plural = _("security documents")
        ordering = ["-approved_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} ({self.approved_on:%d/%m/%Y})"
