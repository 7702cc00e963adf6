from django.urls import path

from diplomaregister.portal_holder import notice_views, share_holder_views, views

app_name = "holder_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("diploma/<int:diploma_id>/", views.diploma, name="diploma"),
    path("diploma/<int:diploma_id>/correctie/", views.request_correction, name="correction"),
    path("uittreksel/", views.extract, name="extract"),
    path("inzage-log/", views.disclosure_log, name="disclosure_log"),
    path("grondslag/<str:code>/", views.basis, name="basis"),
    path("meldingen/", notice_views.notice_settings, name="notices"),
    path("delen/", share_holder_views.shares, name="shares"),
    path("delen/mailen/", share_holder_views.email_share, name="email_share"),
    path("delen/<str:short_id>/intrekken/", share_holder_views.revoke_share, name="revoke_share"),
    path("uitloggen/", views.logout_view(), name="logout"),
    path("uitgelogd/", views.logged_out, name="logged_out"),
]
