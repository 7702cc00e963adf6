from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "diplomaregister.register"
    label = "register"
    verbose_name = "Register onderwijsdeelnemers"
