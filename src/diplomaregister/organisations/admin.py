from django.contrib import admin

from diplomaregister.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "bekostigd", "bestuur"]
    list_filter = ["kind", "bekostigd"]
    search_fields = ["code", "name", "brin", "rio_code"]
    raw_id_fields = ["bestuur"]
