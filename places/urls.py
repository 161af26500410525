from django.urls import path

from . import views

urlpatterns = [
    path("addresses/", views.AddressSearchView.as_view(), name="api-addresses"),
    path("addresses/nearest/", views.AddressNearestView.as_view(),
         name="api-address-nearest"),
    path("municipalities/", views.MunicipalityListView.as_view(), name="api-municipalities"),
    path("hospitals/", views.HospitalListView.as_view(), name="api-hospitals"),
]
