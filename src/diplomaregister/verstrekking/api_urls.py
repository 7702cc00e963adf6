from django.urls import path

from diplomaregister.verstrekking import api

urlpatterns = [
    path("verstrekkingen/diplomas", api.LookupView.as_view(), name="verstrekking-diplomas"),
    path("verstrekkingen/aggregaten", api.AggregateView.as_view(), name="verstrekking-aggregaten"),
    path("disclosure-log", api.DisclosureLogView.as_view(), name="disclosure-log"),
]
