from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from luzhi.accounts.views import LoginView, sms_login_page, sms_reset_page
from luzhi.core import exports
from luzhi.core.registry import app_modules
from luzhi.core.views import healthz

# Each domain app adds its own endpoints (its api.register) and pages (its urls.py).
router = DefaultRouter()
api_v1: list = []
pages: list = []
for module in app_modules("api"):
    api_v1 += module.register(router)
for app in settings.LUZHI_DOMAIN_APPS:
    pages.append(path(f"{app.rsplit('.', 1)[1]}/", include(f"{app}.urls")))
api_v1.append(path("", include(router.urls)))

# The API answers JSON even where no route matches; a locked database is "busy, retry" (503), not a crash.
handler404 = "luzhi.core.views.page_not_found"
handler500 = "luzhi.core.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("login/sms/", sms_login_page, name="login-sms"),
    path("login/reset/", sms_reset_page, name="login-reset"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("exports/<str:token>/", exports.status, name="export-status"),
    path("exports/<str:token>/download/", exports.download, name="export-download"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (no inline script); Swagger UI's page
    # keeps an inline <style>, so only this page may use inline styles.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("help/", include("luzhi.guide.urls")),  # the user guide, one page per role
    *pages,
    path("", include("luzhi.dashboard.urls")),
]
