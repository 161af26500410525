from django.urls import path
from django.views.decorators.gzip import gzip_page

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", gzip_page(views.SignInView.as_view()), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("console/", views.console, name="console"),
    path("crew/", views.crew, name="crew"),
    path("responder/", views.responder, name="responder"),
    path("responder/register/", gzip_page(views.responder_register), name="responder-register"),
    path("manifest.json", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
]
