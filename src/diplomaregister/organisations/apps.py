from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "diplomaregister.organisations"
    label = "organisations"
    verbose_name = "Organisaties"

    def ready(self) -> None:
        from diplomaregister.organisations import schema  # noqa: F401  (registers the OpenAPI extension)
