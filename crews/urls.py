from django.urls import path

from . import views

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="api-regions"),
    path("stations/", views.StationListView.as_view(), name="api-stations"),
    path("units/", views.UnitListView.as_view(), name="api-units"),
    path("units/leave/", views.UnitLeaveView.as_view(), name="api-unit-leave"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="api-unit-detail"),
    path("units/<int:pk>/join/", views.UnitJoinView.as_view(), name="api-unit-join"),
    path("units/<int:pk>/position/", views.UnitPositionView.as_view(), name="api-unit-position"),
    path("units/<int:pk>/service/", views.UnitServiceView.as_view(), name="api-unit-service"),
]
