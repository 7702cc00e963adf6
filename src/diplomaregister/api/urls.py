"""/api/v1/: each domain app contributes its own ``api_urls`` module (plain imports, so the import
contracts see every dependency); schema and docs live here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularYAMLAPIView

from diplomaregister.abonnementen import api_urls as abonnementen_urls
from diplomaregister.levering import api_urls as levering_urls
from diplomaregister.portal_institution import api_urls as portal_institution_urls
from diplomaregister.verstrekking import api_urls as verstrekking_urls

urlpatterns = [
    path("", include(levering_urls)),
    path("", include(verstrekking_urls)),
    path("", include(abonnementen_urls)),
    path("", include(portal_institution_urls)),
    path("openapi.json", SpectacularAPIView.as_view(), name="api-schema"),
    path("openapi.yaml", SpectacularYAMLAPIView.as_view(), name="api-schema-yaml"),
    path("docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
]
