"""care-plans/ is the app's own; the person behind a case and the crew's part of a plan are
sub-resources it hangs on dispatch's records (tests/test_api_layout.py: SUBRESOURCES)."""

from django.urls import path

from . import views

urlpatterns = [
    path("care-plans/", views.CarePlanListView.as_view(), name="api-care-plans"),
    path("care-plans/<int:pk>/", views.CarePlanDetailView.as_view(), name="api-care-plan"),
    path("cases/<int:pk>/person/", views.CasePersonView.as_view(), name="api-case-person"),
    path("assignments/<int:pk>/care-plan/", views.AssignmentCarePlanView.as_view(),
         name="api-assignment-care-plan"),
]
