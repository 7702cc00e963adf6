from django.contrib import admin
from django.urls import include, path

from diplomaregister.api.urls import optional_include

urlpatterns = [
    path("", include("diplomaregister.core.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("diplomaregister.api.urls")),
    *optional_include("mijn/", "diplomaregister.portal_holder.urls"),
    *optional_include("delen/", "diplomaregister.portal_holder.share_urls"),
    *optional_include("verifieren/", "diplomaregister.extracts.urls"),
    *optional_include("instelling/", "diplomaregister.portal_institution.urls"),
    *optional_include("", "diplomaregister.auth_urls"),
]

# Styled, translated error pages (core/templates/<status>.html); problem details under /api/.
handler400 = "diplomaregister.core.views.bad_request"
handler403 = "diplomaregister.core.views.permission_denied"
handler404 = "diplomaregister.core.views.page_not_found"
handler500 = "diplomaregister.core.views.server_error"
