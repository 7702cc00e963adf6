from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "diplomaregister.api"
    label = "api"
