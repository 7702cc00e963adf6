from django.apps import AppConfig


class ExtractsConfig(AppConfig):
    name = "diplomaregister.extracts"
    label = "extracts"
