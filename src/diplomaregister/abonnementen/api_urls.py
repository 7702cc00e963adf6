from django.urls import path

from diplomaregister.abonnementen import api

urlpatterns = [
    path(
        "abonnementen/<int:pk>/wijzigingen",
        api.ChangesView.as_view(),
        name="abonnement-wijzigingen",
    ),
]
