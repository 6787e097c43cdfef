from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from books.models import Account, AccountMapping, JournalEntry, JournalLine
from viaticos.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    """The chart of accounts (defaults in books.accounts, created when first used)."""

    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # journal lines refer to accounts


@admin.register(AccountMapping)
class AccountMappingAdmin(SimpleHistoryAdmin):
    """SPEC §2.5: which account each purpose posts to, by category and project. New entries
    follow a change; posted entries keep their accounts (reverse and post again to move them)."""

    list_display = ["purpose", "category", "project", "account"]
    list_filter = ["purpose", "project"]
    list_select_related = ["project", "account"]
    autocomplete_fields = ["account"]


class JournalLineInline(ReadOnlyInline):
    model = JournalLine
    fields = ("account", "debit", "credit", "project", "budget_line", "category", "traveler")
    readonly_fields = fields


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """Read only for everyone: entries are never edited (a correction is a reversing entry,
    posted by the General Accountant from the journal page)."""

    list_display = ["number", "date", "kind", "description", "traveler"]
    list_filter = ["kind"]
    list_select_related = ["traveler"]
    date_hierarchy = "date"
    search_fields = ["description", "event_key"]
    inlines = [JournalLineInline]
