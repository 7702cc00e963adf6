"""Login of holders at the site root: /digid/ (mock or SAML) and, with the mock, its IdP pages."""

from django.conf import settings
from django.urls import include, path

if settings.DIGID_MOCK:
    urlpatterns = [
        path("digid/", include("digid_eherkenning.mock.digid_urls")),
        path("digid-mock/", include("digid_eherkenning.mock_urls")),
    ]
else:
    urlpatterns = [path("digid/", include("digid_eherkenning.digid_urls"))]
