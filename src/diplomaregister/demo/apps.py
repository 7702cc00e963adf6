from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "diplomaregister.demo"
    label = "demo"
