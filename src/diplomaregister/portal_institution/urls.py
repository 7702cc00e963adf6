from django.urls import path

from diplomaregister.portal_institution import views, work_views

app_name = "institution_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.StaffLoginView.as_view(), name="login"),
    path("uitloggen/", views.logout, name="logout"),
    path("inzage/", views.inzage, name="inzage"),
    path("correctieverzoeken/", views.queue, name="queue"),
    path("correctieverzoeken/<int:pk>/", views.request_detail, name="request"),
    path("correctieverzoeken/<int:pk>/corrigeren/", work_views.correct_now, name="correct"),
    path("leveren/", work_views.upload, name="upload"),
    path("leveringen/<int:pk>/", work_views.delivery, name="delivery"),
]
