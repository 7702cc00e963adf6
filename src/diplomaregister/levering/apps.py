from django.apps import AppConfig


class LeveringConfig(AppConfig):
    name = "diplomaregister.levering"
    label = "levering"
