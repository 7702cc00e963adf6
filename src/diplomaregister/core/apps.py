from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "diplomaregister.core"
    label = "core"
