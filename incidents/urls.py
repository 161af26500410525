from django.urls import include, path

from .views import alarm as alarm_views
from .views import cap as cap_views
from .views import incidents as incident_views
from .views import pledges as pledge_views
from .views import reports as report_views

# Each part of the app keeps its own routes (all under incidents/, mounted at /api/).
lifecycle_routes: list = [  # list, raise, detail, confirm, reject, stand-down, cases, regions
    path("", incident_views.IncidentListView.as_view(), name="api-incidents"),
    path("regions/", incident_views.AlarmRegionListView.as_view(), name="api-incident-regions"),
    path("<int:pk>/", incident_views.IncidentDetailView.as_view(), name="api-incident"),
    path("<int:pk>/confirm/", incident_views.IncidentConfirmView.as_view(),
         name="api-incident-confirm"),
    path("<int:pk>/reject/", incident_views.IncidentRejectView.as_view(),
         name="api-incident-reject"),
    path("<int:pk>/stand-down/", incident_views.IncidentStandDownView.as_view(),
         name="api-incident-stand-down"),
    path("<int:pk>/cases/", incident_views.IncidentCasesView.as_view(),
         name="api-incident-cases"),
]
alarm_routes: list = [  # a region's acknowledgement recorded by the centre
    path("<int:pk>/regions/<int:region_pk>/acknowledge/",
         alarm_views.RegionAcknowledgeView.as_view(), name="api-incident-region-acknowledge"),
]
cap_routes: list = [  # the CAP XML of an incident, incoming CAP
    path("<int:pk>/cap/", cap_views.IncidentCapView.as_view(), name="api-incident-cap"),
    path("cap/", cap_views.IncomingCapView.as_view(), name="api-incidents-cap-incoming"),
]
pledge_routes: list = [  # pledges, their withdrawal
    path("<int:pk>/pledges/", pledge_views.PledgeListView.as_view(), name="api-incident-pledges"),
    path("<int:pk>/pledges/<int:pledge_pk>/withdraw/", pledge_views.PledgeWithdrawView.as_view(),
         name="api-incident-pledge-withdraw"),
]
report_routes: list = [  # METHANE reports, triage, the mode, the timeline
    path("<int:pk>/reports/", report_views.SituationReportListView.as_view(),
         name="api-incident-reports"),
    path("<int:pk>/triage/", report_views.TriageDecisionView.as_view(),
         name="api-incident-triage"),
    path("mode/", report_views.TriageModeView.as_view(), name="api-incident-mode"),
    path("<int:pk>/timeline/", report_views.IncidentTimelineView.as_view(),
         name="api-incident-timeline"),
]

urlpatterns: list = [path("incidents/", include(
    lifecycle_routes + alarm_routes + cap_routes + pledge_routes + report_routes))]
