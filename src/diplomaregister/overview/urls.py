from django.urls import path

from diplomaregister.overview import views

app_name = "overview"

urlpatterns = [path("", views.overview, name="overview")]
