from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.health import healthz
from frontend.api import MeView

api = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("accounts.urls")),
    path("", include("crews.urls")),
    path("", include("dispatch.urls")),
    path("", include("audit.urls")),
    path("push/", include("push.urls")),
    path("ivpa/", include("ivpa.urls")),
    path("imaging/", include("imaging.urls")),
    path("referrals/", include("referrals.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include(api)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
    path("", include("pwa.urls")),  # /serviceworker.js (manifest and offline page: frontend)
]
