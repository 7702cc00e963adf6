from django.apps import AppConfig


class AbonnementenConfig(AppConfig):
    name = "diplomaregister.abonnementen"
    label = "abonnementen"
