from django.apps import AppConfig


class PortalInstitutionConfig(AppConfig):
    name = "diplomaregister.portal_institution"
    label = "portal_institution"
