from django.apps import AppConfig


class LogboekConfig(AppConfig):
    name = "diplomaregister.logboek"
    label = "logboek"
