from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.health import healthz
from frontend.api import MeView

# The API's one convention: every app's urls.py is mounted here, at /api/, the same way, and
# owns the first path segments of its routes: the shared records keep their plain nouns
# (accounts: auth/; crews: regions/, stations/, units/; dispatch: cases/, assignments/,
# measures/; audit: audit/), a feature app lives under its own name (push/, ivpa/, imaging/,
# referrals/). No two apps share a first segment (tests/test_api_layout.py).
API_APPS = ("accounts", "crews", "dispatch", "audit", "push", "ivpa", "imaging", "referrals")

api = [
    path("me/", MeView.as_view(), name="api-me"),
    *(path("", include(f"{app}.urls")) for app in API_APPS),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include(api)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("auth/oidc/", include("identity.urls")),  # sign-in through an identity provider
    path("", include("frontend.urls")),
    path("", include("pwa.urls")),  # /serviceworker.js (manifest and offline page: frontend)
]
