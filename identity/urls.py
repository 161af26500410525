from django.urls import path

from . import views

# Mounted at /auth/oidc/ (config/urls.py): pages, not the API.
urlpatterns = [
    path("start/", views.oidc_start, name="oidc-start"),
    path("callback/", views.oidc_callback, name="oidc-callback"),
]
