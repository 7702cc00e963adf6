from django.urls import path

from diplomaregister.portal_institution import api

urlpatterns = [
    path("correctieverzoeken", api.QueueView.as_view(), name="correctieverzoeken"),
    path(
        "correctieverzoeken/<int:pk>/antwoord",
        api.AnswerView.as_view(),
        name="correctieverzoek-antwoord",
    ),
]
