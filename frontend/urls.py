from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("console/", views.console, name="console"),
    path("crew/", views.crew, name="crew"),
    path("manifest.json", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
]
