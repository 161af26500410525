from django.urls import path

from . import views

urlpatterns = [
    path("audit/log/", views.AccessLogSearchView.as_view(), name="api-audit-log"),
    path("audit/extract/", views.PatientLogExtractView.as_view(), name="api-audit-extract"),
]
