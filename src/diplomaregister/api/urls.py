"""/api/v1/: each domain app contributes its own ``api_urls`` module; schema and docs live here."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularYAMLAPIView

DOMAIN_API_MODULES = [
    "diplomaregister.levering.api_urls",
    "diplomaregister.verstrekking.api_urls",
    "diplomaregister.logboek.api_urls",
    "diplomaregister.abonnementen.api_urls",
    "diplomaregister.portal_holder.api_urls",
    "diplomaregister.portal_institution.api_urls",
]


def optional_include(prefix: str, module: str) -> list:
    """Include ``module`` when the app provides it (apps grow their URLs independently)."""
    try:
        import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return []
    return [path(prefix, include(module))]


def _domain_patterns() -> list:
    return [p for module in DOMAIN_API_MODULES for p in optional_include("", module)]


urlpatterns = [
    *_domain_patterns(),
    path("openapi.json", SpectacularAPIView.as_view(), name="api-schema"),
    path("openapi.yaml", SpectacularYAMLAPIView.as_view(), name="api-schema-yaml"),
    path("docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
]
