from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="api-cases"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/dispatch/", views.CaseDispatchView.as_view(), name="api-case-dispatch"),
    path("cases/<int:pk>/recommendations/", views.CaseRecommendationsView.as_view(),
         name="api-case-recommendations"),
    path("cases/<int:pk>/history/", views.CaseHistoryView.as_view(), name="api-case-history"),
    path("cases/<int:pk>/close/", views.CaseCloseView.as_view(), name="api-case-close"),
    path("assignments/", views.AssignmentListView.as_view(), name="api-assignments"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(),
         name="api-assignment-detail"),
    path("assignments/<int:pk>/acknowledge/", views.AssignmentAcknowledgeView.as_view(),
         name="api-assignment-ack"),
    path("assignments/<int:pk>/status/", views.AssignmentStatusView.as_view(),
         name="api-assignment-status"),
    path("assignments/<int:pk>/destination/", views.AssignmentDestinationView.as_view(),
         name="api-assignment-destination"),
    path("assignments/<int:pk>/messages/", views.AssignmentMessagesView.as_view(),
         name="api-assignment-messages"),
    path("assignments/<int:pk>/messages/<int:mid>/acknowledge/",
         views.AssignmentMessageAcknowledgeView.as_view(), name="api-assignment-message-ack"),
    path("assignments/<int:pk>/redirect/", views.AssignmentRedirectView.as_view(),
         name="api-assignment-redirect"),
    path("assignments/<int:pk>/staging/", views.AssignmentStagingView.as_view(),
         name="api-assignment-staging"),
    path("assignments/<int:pk>/staging/release/", views.AssignmentStagingReleaseView.as_view(),
         name="api-assignment-staging-release"),
    path("measures/", views.MeasuresView.as_view(), name="api-measures"),
]
