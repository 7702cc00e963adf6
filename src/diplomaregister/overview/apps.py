from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "diplomaregister.overview"
    label = "overview"
    verbose_name = "Operator overview"
