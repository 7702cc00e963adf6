from django.apps import AppConfig


class LawConfig(AppConfig):
    name = "diplomaregister.law"
    label = "law"
