from django.urls import path

from diplomaregister.core import health, metrics, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("over/<slug:page>/", views.about, name="about"),
    # Also answered by core.health.OpsMiddleware before host checks and redirects (probes).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
