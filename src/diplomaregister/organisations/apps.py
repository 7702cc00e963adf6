from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "diplomaregister.organisations"
    label = "organisations"
    verbose_name = "Organisaties"
