"""The disclosure log for operators: read-only (rows are insert-only and hash-chained)."""

from django.contrib import admin

from diplomaregister.logboek.models import LogEntry
from diplomaregister.register.admin import ReadOnlyAdmin


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "chain",
        "seq",
        "occurred_at",
        "basis",
        "recipient_label",
        "channel",
        "outcome",
        "record_count",
    )
    list_filter = ("basis", "channel", "outcome")
    search_fields = ("recipient_code", "trace_id")
