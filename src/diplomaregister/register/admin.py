"""Operator admin, read-only: register data changes only through delivery (levering) services,
so that every change is a validated, versioned insert."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from diplomaregister.core.pgn import mask
from diplomaregister.register import models

PERSON_VERSION_FIELDS: tuple[str, ...] = (
    "version",
    "change",
    "valid_from",
    "recorded_at",
    "family_name",
    "birth_date",
    "death_date",
)
DIPLOMA_VERSION_FIELDS: tuple[str, ...] = (
    "version",
    "change",
    "status",
    "kind",
    "date_of_issue",
    "valid_from",
    "recorded_at",
    "source",
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PersonVersionInline(admin.TabularInline):
    model = models.PersonVersion
    extra = 0
    can_delete = False
    fields = PERSON_VERSION_FIELDS
    readonly_fields = PERSON_VERSION_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["id", "masked_pgn", "pgn_type", "created_at"]
    search_fields = ["=pgn"]  # exact match only: no browsing by partial BSN
    inlines = [PersonVersionInline]
    show_full_result_count = False

    @admin.display(description="pgn")
    def masked_pgn(self, obj: models.Person) -> str:
        return mask(obj.pgn)


class DiplomaVersionInline(admin.TabularInline):
    model = models.DiplomaVersion
    extra = 0
    can_delete = False
    fields = DIPLOMA_VERSION_FIELDS
    readonly_fields = DIPLOMA_VERSION_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.Diploma)
class DiplomaAdmin(ReadOnlyAdmin):
    list_display = ["id", "organisation", "record_key", "created_at"]
    list_select_related = ["organisation"]
    search_fields = ["=record_key", "=organisation__code"]
    inlines = [DiplomaVersionInline]
    show_full_result_count = False


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["sector", "code", "name_nl", "level", "degree"]
    list_filter = ["sector"]
    search_fields = ["code", "name_nl"]


for model in (models.Enrolment, models.Result):
    admin.site.register(model, ReadOnlyAdmin)
