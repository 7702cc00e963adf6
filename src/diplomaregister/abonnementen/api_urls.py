from django.urls import path

from diplomaregister.abonnementen import api

urlpatterns = [
    path(
        "abonnementen/<int:pk>/wijzigingen",
        api.ChangesView.as_view(),
        name="abonnement-wijzigingen",
    ),
    path(
        "abonnementen/<int:pk>/aanvragen",
        api.ApplicationsView.as_view(),
        name="abonnement-aanvragen",
    ),
    path(
        "abonnementen/<int:pk>/aanvragen/<int:application_id>",
        api.ApplicationView.as_view(),
        name="abonnement-aanvraag",
    ),
]
