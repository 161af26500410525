from django.urls import include, path

from .views import notices, panic, partners, reports

panic_routes = [
    path("", panic.PanicListView.as_view(), name="api-panic"),
    path("<int:pk>/positions/", panic.PanicPositionView.as_view(), name="api-panic-positions"),
    path("<int:pk>/acknowledge/", panic.PanicAcknowledgeView.as_view(),
         name="api-panic-acknowledge"),
    path("<int:pk>/cancel/", panic.PanicCancelView.as_view(), name="api-panic-cancel"),
    path("<int:pk>/close/", panic.PanicCloseView.as_view(), name="api-panic-close"),
]

notice_routes = [
    path("notices/", notices.NoticeListView.as_view(), name="api-safety-notices"),
    path("notices/matching/", notices.NoticeMatchingView.as_view(),
         name="api-safety-notices-matching"),
    path("notices/<int:pk>/", notices.NoticeDetailView.as_view(), name="api-safety-notice"),
    path("notices/<int:pk>/review/", notices.NoticeReviewView.as_view(),
         name="api-safety-notice-review"),
    path("notices/<int:pk>/withdraw/", notices.NoticeWithdrawView.as_view(),
         name="api-safety-notice-withdraw"),
    path("matches/<int:pk>/decision/", notices.MatchDecisionView.as_view(),
         name="api-safety-match-decision"),
    path("matches/<int:pk>/acknowledge/", notices.MatchAcknowledgeView.as_view(),
         name="api-safety-match-acknowledge"),
    path("reports/", reports.CrewReportListView.as_view(), name="api-safety-reports"),
    path("reports/summary/", reports.CrewReportSummaryView.as_view(),
         name="api-safety-reports-summary"),
    path("exchanges/", partners.ExchangeListView.as_view(), name="api-safety-exchanges"),
]

# Mounted at /api/ like every app; everything of this app is under safety/.
urlpatterns: list = [path("safety/panic/", include(panic_routes)),
                     path("safety/", include(notice_routes))]
