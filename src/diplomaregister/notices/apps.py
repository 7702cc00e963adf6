from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "diplomaregister.notices"
    label = "notices"
    verbose_name = "Notices (meldingen)"
