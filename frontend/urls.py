from django.urls import path
from django.views.decorators.gzip import gzip_page

from . import caller, followup_report, tib, views
from .incident_link import incident_link
from .incident_report import incident_report

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", gzip_page(views.SignInView.as_view()), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("console/", views.console, name="console"),
    path("crew/", views.crew, name="crew"),
    path("responder/", views.responder, name="responder"),
    path("mobile/", views.mobile, name="mobile"),
    path("tib/", tib.tib, name="tib"),
    path("followup/", views.followup, name="followup"),
    path("followup/report/", followup_report.followup_report, name="followup-report"),
    path("incidents/<int:pk>/report/", incident_report, name="incident-report"),
    path("responder/register/", gzip_page(views.responder_register), name="responder-register"),
    path("manifest.json", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
    # The caller's picture link (issue 5): no account; see frontend/caller.py.
    path("b/", caller.caller_upload, name="caller-upload"),
    path("b/<str:token>", caller.caller_link, name="caller-link"),
    # The mass-casualty alarm's link for a region's contact (issue 17): no account; see
    # frontend/incident_link.py.
    path("larm/<str:token>", incident_link, name="incident-link"),
]
