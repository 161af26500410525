from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.health import healthz
from frontend.api import MeView

# The API's one convention: every app's urls.py is mounted here, at /api/, the same way, and
# owns the first path segments of its routes: the shared records keep their plain nouns
# (accounts: auth/; crews: regions/, stations/, units/; dispatch: cases/, assignments/,
# measures/; audit: audit/; places: addresses/, municipalities/, hospitals/),
# a feature app lives under its own name (push/, ivpa/, imaging/, referrals/, safety/,
# incidents/; careplans:
# care-plans/, with the two sub-resources it hangs on dispatch's records, cases/<id>/person/ and
# assignments/<id>/care-plan/; followup: followup/). No two apps share a first segment otherwise
# (tests/test_api_layout.py).
API_APPS = ("accounts", "crews", "places", "dispatch", "audit", "push", "ivpa", "imaging",
            "referrals", "careplans", "safety", "incidents", "followup")

api = [
    path("me/", MeView.as_view(), name="api-me"),
    *(path("", include(f"{app}.urls")) for app in API_APPS),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # For signed-in users (SPECTACULAR_SETTINGS); the split view serves its start-up script
    # from a URL of its own, so the page runs under the staff pages' CSP (core.csp).
    path("docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="core/swagger_ui.html"), name="api-docs"),
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
