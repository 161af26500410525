"""The follow-up's routes, under /api/followup/."""

from django.urls import path

from .views import feedback, imports, measures, records, stations

urlpatterns: list = [
    path("followup/calls/", imports.CallIntegrationView.as_view(), name="api-followup-calls"),
    path("followup/imports/", imports.ImportRunListView.as_view(), name="api-followup-imports"),
    path("followup/imports/calls/", imports.CallImportView.as_view(),
         name="api-followup-import-calls"),
    path("followup/imports/hospital-visits/", imports.HospitalVisitImportView.as_view(),
         name="api-followup-import-hospital-visits"),
    path("followup/measures/", measures.MeasuresView.as_view(), name="api-followup-measures"),
    path("followup/targets/", records.TargetListView.as_view(), name="api-followup-targets"),
    path("followup/targets/<int:pk>/", records.TargetDetailView.as_view(),
         name="api-followup-target"),
    path("followup/deviations/", records.DeviationListView.as_view(),
         name="api-followup-deviations"),
    path("followup/deviations/<int:pk>/", records.DeviationDetailView.as_view(),
         name="api-followup-deviation"),
    path("followup/owners/", records.OwnerListView.as_view(), name="api-followup-owners"),
    path("followup/stations/", stations.StationTableView.as_view(),
         name="api-followup-stations"),
    path("followup/feedback/", feedback.FeedbackListView.as_view(),
         name="api-followup-feedback"),
    path("followup/feedback/<int:pk>/read/", feedback.FeedbackReadView.as_view(),
         name="api-followup-feedback-read"),
]
