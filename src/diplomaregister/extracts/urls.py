from django.urls import path

from diplomaregister.extracts import views

app_name = "verify"

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>", views.by_code, name="code"),
]
