from rest_framework import serializers

from books.selectors import document_of
from missions.serializers import MoneyString


class JournalLineOutput(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    account_name = serializers.CharField(source="account.name")
    debit = MoneyString()
    credit = MoneyString()
    project = serializers.CharField(source="project.code", default=None, allow_null=True)
    budget_line = serializers.CharField(source="budget_line.code", default=None, allow_null=True)
    category = serializers.CharField()
    traveler = serializers.CharField(source="traveler.get_username", default=None, allow_null=True)


class DocumentOutput(serializers.Serializer):
    code = serializers.CharField(source="label")
    url = serializers.CharField()


class JournalEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    date = serializers.DateField()
    kind = serializers.CharField()
    description = serializers.CharField()
    document = serializers.SerializerMethodField()
    reverses = serializers.CharField(source="reverses.number", default=None, allow_null=True)
    reason = serializers.CharField()
    lines = JournalLineOutput(many=True)

    def get_document(self, obj) -> dict:
        return DocumentOutput(document_of(obj)).data


class JournalOutput(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    debit = MoneyString(help_text="Total debits of the period (equal to the credits).")
    credit = MoneyString()
    entries = JournalEntryOutput(many=True)


class TrialRowOutput(serializers.Serializer):
    account = serializers.CharField(source="code")
    account_name = serializers.CharField(source="name")
    debit = MoneyString()
    credit = MoneyString()
    balance = MoneyString()


class TrialBalanceOutput(serializers.Serializer):
    period = serializers.CharField()
    rows = TrialRowOutput(many=True)
