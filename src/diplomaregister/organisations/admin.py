from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from diplomaregister.organisations.auth import revoke_client
from diplomaregister.organisations.models import ApiClient, ApiToken, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "bekostigd", "bestuur"]
    list_filter = ["kind", "bekostigd"]
    search_fields = ["code", "name", "brin", "rio_code"]
    raw_id_fields = ["bestuur"]


class ApiTokenInline(admin.TabularInline):
    """Tokens are issued by ``create_client`` / ``rotate_client`` (shown once); here only seen."""

    model = ApiToken
    fields = ("prefix", "created_at", "expires_at", "revoked_at", "status")
    readonly_fields = ("prefix", "created_at", "expires_at", "revoked_at", "status")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="status")
    def status(self, token: ApiToken) -> str:
        if token.revoked_at or token.client.revoked_at:
            return "revoked"
        return "expired" if token.expires_at <= timezone.now() else "valid"


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["__str__", "roles", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "organisation__kind"]
    search_fields = ["name", "organisation__code", "organisation__name"]
    readonly_fields = ["organisation", "auth_method", "created_at", "revoked_at"]
    fields = ["organisation", "name", "roles", "auth_method", "created_at", "revoked_at"]
    inlines = [ApiTokenInline]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `diplomaregister create_client` shows the token once

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke instead: deliveries and log rows refer to the client

    @admin.action(description="Revoke selected API clients (all their tokens, at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        clients = list(queryset.filter(revoked_at__isnull=True))
        for client in clients:
            revoke_client(client)
        self.message_user(request, f"{len(clients)} API client(s) revoked.", messages.SUCCESS)
