from django.contrib import admin

from diplomaregister.portal_institution.models import CorrectionRequest, StaffMembership
from diplomaregister.register.admin import ReadOnlyAdmin


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdmin):
    """Answered by the awarding institution in its portal or API, not by operators."""

    list_display = ("id", "organisation", "status", "created_at", "answered_at")
    list_filter = ("status",)


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    search_fields = ("user__username", "organisation__code")
