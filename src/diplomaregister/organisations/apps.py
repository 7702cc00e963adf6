from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganisationsConfig(AppConfig):
    name = "diplomaregister.organisations"
    label = "organisations"
    verbose_name = "Organisaties"

    def ready(self) -> None:
        from diplomaregister.core.cache import create_cache_table
        from diplomaregister.organisations import schema  # noqa: F401  (registers the OpenAPI extension)

        # the shared cache (API throttles, rate limits, login lockout) lives in a table that
        # every `migrate` creates if missing
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="shared-cache-table")
