from django.urls import path

from diplomaregister.levering import api, brp_api

urlpatterns = [
    path("leveringen", api.DeliveryListView.as_view(), name="levering-list"),
    path("leveringen/bestanden", api.FileUploadView.as_view(), name="levering-upload"),
    path("leveringen/<int:pk>", api.DeliveryDetailView.as_view(), name="levering-detail"),
    path(
        "leveringen/<int:pk>/terugkoppeling", api.FeedbackView.as_view(), name="levering-feedback"
    ),
    path("diplomas", api.DiplomaView.as_view(), name="diploma-deliver"),
    path("inschrijvingen", api.EnrolmentView.as_view(), name="inschrijving-deliver"),
    path("resultaten", api.ResultView.as_view(), name="resultaat-deliver"),
    path("brp/mutaties", brp_api.MutationsView.as_view(), name="brp-mutaties"),
    path(
        "diplomas/<str:record_key>/intrekking",
        api.WithdrawalView.as_view(),
        name="diploma-withdraw",
    ),
    path("termijnbewaking", api.TermReportView.as_view(), name="termijnbewaking"),
]
