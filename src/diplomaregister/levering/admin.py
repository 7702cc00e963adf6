"""Operators see deliveries and their feedback; they cannot change them."""

from django.contrib import admin

from diplomaregister.levering.models import Delivery
from diplomaregister.register.admin import ReadOnlyAdmin


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "organisation", "channel", "status", "received_at", "created", "corrected",
                    "unchanged", "withdrawn", "rejected")  # fmt: skip
    list_filter = ("channel", "status")
    search_fields = ("organisation__code", "file_name")
