from django.contrib import admin

from diplomaregister.abonnementen.models import Subscription
from diplomaregister.register.admin import ReadOnlyAdmin


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    """Created with `diplomaregister create_subscription` (which checks the basis); read-only here."""

    list_display = (
        "id",
        "organisation",
        "basis",
        "active",
        "acknowledged",
        "attempts",
        "last_error",
    )
    list_filter = ("basis", "active")
