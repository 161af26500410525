from django.urls import include, path

from . import views

routes = [
    path("", views.ReferralListView.as_view(), name="api-referrals"),
    path("proposals/", views.ProposalsView.as_view(), name="api-referral-proposals"),
    path("stats/", views.StatsView.as_view(), name="api-referral-stats"),
    path("cases/<int:pk>/", views.CaseResponsibilityView.as_view(), name="api-referral-case"),
    path("units/", views.CareUnitListView.as_view(), name="api-referral-units"),
    path("units/<int:pk>/profile/", views.ProfileView.as_view(),
         name="api-referral-unit-profile"),
    path("<int:pk>/", views.ReferralDetailView.as_view(), name="api-referral"),
    path("<int:pk>/summary/", views.ReferralSummaryView.as_view(), name="api-referral-summary"),
    path("<int:pk>/accept/", views.ReferralAcceptView.as_view(), name="api-referral-accept"),
    path("<int:pk>/decline/", views.ReferralDeclineView.as_view(), name="api-referral-decline"),
    path("<int:pk>/withdraw/", views.ReferralWithdrawView.as_view(),
         name="api-referral-withdraw"),
    path("<int:pk>/outcome/", views.ReferralOutcomeView.as_view(), name="api-referral-outcome"),
]

# Mounted at /api/ like every app; everything of this app is under its own segment.
urlpatterns = [path("referrals/", include(routes))]
