from django.apps import AppConfig


class PortalHolderConfig(AppConfig):
    name = "diplomaregister.portal_holder"
    label = "portal_holder"
