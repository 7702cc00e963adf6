from django.apps import AppConfig


class VerstrekkingConfig(AppConfig):
    name = "diplomaregister.verstrekking"
    label = "verstrekking"
