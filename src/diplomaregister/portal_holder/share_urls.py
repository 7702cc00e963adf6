from django.urls import path

from diplomaregister.portal_holder import share_views

app_name = "share"

urlpatterns = [
    path("<str:token>/", share_views.shared, name="page"),
    path("<str:token>/uittreksel/", share_views.shared_extract, name="extract"),
]
