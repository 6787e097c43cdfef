from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from privacy.models import ArcoRequest


class ArcoRequestIn(serializers.Serializer):
    """SPEC §7: the public multipart body. The rules themselves live in the service."""

    right = serializers.CharField(max_length=30)
    full_name = serializers.CharField(max_length=200, allow_blank=True, default="")
    document_type = serializers.CharField(max_length=20, allow_blank=True, default="")
    document_number = serializers.CharField(max_length=20, allow_blank=True, default="")
    document_file = serializers.FileField(required=False, allow_null=True, default=None)
    email = serializers.CharField(max_length=254, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, allow_blank=True, default="")
    request_detail = serializers.CharField(max_length=5000, allow_blank=True, default="")
    notice_acknowledged = serializers.BooleanField(
        default=False, error_messages={"invalid": _("Must be true or false.")}
    )
    representative_name = serializers.CharField(max_length=200, allow_blank=True, default="")
    representative_document_number = serializers.CharField(
        max_length=20, allow_blank=True, default=""
    )
    power_of_attorney_file = serializers.FileField(required=False, allow_null=True, default=None)
    supporting_file = serializers.FileField(required=False, allow_null=True, default=None)


class ArcoFiledOut(serializers.ModelSerializer):
    class Meta:
        model = ArcoRequest
        fields = ["tracking_code", "right", "received_on", "due_date"]


class ArcoStatusOut(serializers.ModelSerializer):
    """Status and dates only: never personal data."""

    class Meta:
        model = ArcoRequest
        fields = [
            "tracking_code",
            "right",
            "status",
            "received_on",
            "due_date",
            "extended_on",
            "observed_on",
            "correction_due_date",
            "corrected_on",
            "closed_on",
        ]
