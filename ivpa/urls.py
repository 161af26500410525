from django.urls import include, path

from . import views
from .views.crews import AssignmentRespondersView

routes = [
    path("register/", views.RegisterView.as_view(), name="api-ivpa-register"),
    path("me/", views.MeView.as_view(), name="api-ivpa-me"),
    path("me/position/", views.PositionView.as_view(), name="api-ivpa-position"),
    path("me/test-alarm/", views.TestAlarmView.as_view(), name="api-ivpa-test-alarm"),
    path("alerts/", views.AlertListView.as_view(), name="api-ivpa-alerts"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="api-ivpa-alert"),
    path("alerts/<int:pk>/seen/", views.AlertSeenView.as_view(), name="api-ivpa-alert-seen"),
    path("alerts/<int:pk>/accept/", views.AlertAcceptView.as_view(),
         name="api-ivpa-alert-accept"),
    path("alerts/<int:pk>/decline/", views.AlertDeclineView.as_view(),
         name="api-ivpa-alert-decline"),
    path("alerts/<int:pk>/arrived/", views.AlertArriveView.as_view(),
         name="api-ivpa-alert-arrived"),
    path("alerts/<int:pk>/report/", views.AlertReportView.as_view(),
         name="api-ivpa-alert-report"),
    # The crew card's first responders (how many, on their way or there, with a defibrillator).
    path("assignments/<int:pk>/responders/", AssignmentRespondersView.as_view(),
         name="api-ivpa-assignment-responders"),
    path("callouts/", views.CalloutListView.as_view(), name="api-ivpa-callouts"),
    path("callouts/<int:pk>/cancel/", views.CalloutCancelView.as_view(),
         name="api-ivpa-callout-cancel"),
    path("callouts/<int:pk>/outcome/", views.CalloutOutcomeView.as_view(),
         name="api-ivpa-callout-outcome"),
    path("cases/<int:pk>/callout/", views.CaseCalloutView.as_view(), name="api-ivpa-case-callout"),
    path("measures/", views.MeasuresView.as_view(), name="api-ivpa-measures"),
    path("municipalities/", views.MunicipalityListView.as_view(),
         name="api-ivpa-municipalities"),
    path("municipalities/<int:pk>/", views.MunicipalityDetailView.as_view(),
         name="api-ivpa-municipality"),
    path("municipalities/<int:pk>/connect/", views.MunicipalityConnectView.as_view(),
         name="api-ivpa-municipality-connect"),
    path("municipalities/<int:pk>/disconnect/", views.MunicipalityDisconnectView.as_view(),
         name="api-ivpa-municipality-disconnect"),
    path("responders/", views.VolunteerListView.as_view(), name="api-ivpa-responders"),
    path("responders/<int:pk>/approve/", views.VolunteerApproveView.as_view(),
         name="api-ivpa-responder-approve"),
    path("responders/<int:pk>/revoke/", views.VolunteerRevokeView.as_view(),
         name="api-ivpa-responder-revoke"),
    path("aeds/", views.AedListView.as_view(), name="api-ivpa-aeds"),
    path("aeds/import/", views.AedImportView.as_view(), name="api-ivpa-aeds-import"),
]

# Mounted at /api/ like every app; everything of this app is under its own segment.
urlpatterns = [path("ivpa/", include(routes))]
