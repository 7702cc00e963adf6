"""The project's URLs. Plain imports throughout, so the import contracts see every dependency."""

from django.conf.urls import i18n
from django.contrib import admin
from django.urls import include, path

from diplomaregister import auth_urls
from diplomaregister.api import urls as api_urls
from diplomaregister.core import urls as core_urls
from diplomaregister.core import views as core_views
from diplomaregister.extracts import urls as extract_urls
from diplomaregister.overview import urls as overview_urls
from diplomaregister.portal_holder import share_urls
from diplomaregister.portal_holder import urls as holder_urls
from diplomaregister.portal_institution import urls as institution_urls

urlpatterns = [
    path("", include(core_urls)),
    path("admin/", admin.site.urls),
    path("beheer/overzicht/", include(overview_urls)),
    path("i18n/", include(i18n)),
    path("api/v1/", include(api_urls)),
    path("mijn/", include(holder_urls)),
    path("delen/", include(share_urls)),
    path("verifieren/", include(extract_urls)),
    path("instelling/", include(institution_urls)),
    path("", include(auth_urls)),
]

# Styled, translated error pages (core/templates/<status>.html); problem details under /api/.
handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
