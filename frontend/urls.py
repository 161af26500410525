from django.urls import path
from django.views.decorators.gzip import gzip_page

from . import caller, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", gzip_page(views.SignInView.as_view()), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("console/", views.console, name="console"),
    path("crew/", views.crew, name="crew"),
    path("responder/", views.responder, name="responder"),
    path("mobile/", views.mobile, name="mobile"),
    path("responder/register/", gzip_page(views.responder_register), name="responder-register"),
    path("manifest.json", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
    # The caller's picture link (issue 5): no account; see frontend/caller.py.
    path("b/", caller.caller_upload, name="caller-upload"),
    path("b/<str:token>", caller.caller_link, name="caller-link"),
]
