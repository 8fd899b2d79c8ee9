from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from luzhi.accounts import api as accounts_api
from luzhi.accounts.views import LoginView
from luzhi.core.views import healthz
from luzhi.org import api as org_api

router = DefaultRouter()
router.register("committees", org_api.CommitteeViewSet, basename="committee")
router.register("terms", org_api.TermViewSet, basename="term")
router.register("sectors", org_api.SectorViewSet, basename="sector")
router.register("special-committees", org_api.SpecialCommitteeViewSet, basename="special-committee")
router.register("member-groups", org_api.MemberGroupViewSet, basename="member-group")
router.register("units", org_api.UnitViewSet, basename="unit")
router.register("stations", org_api.StationViewSet, basename="station")
router.register("members", org_api.MemberViewSet, basename="member")
router.register("liaisons", org_api.LiaisonViewSet, basename="liaison")
router.register("party-organizations", org_api.PartyOrganizationViewSet, basename="party-organization")
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("lockouts", accounts_api.LockoutViewSet, basename="lockout")
router.register("audit", accounts_api.AuditViewSet, basename="audit")

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("security-settings/", accounts_api.SecuritySettingsView.as_view(), name="api-security-settings"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("org/", include("luzhi.org.urls")),
    path("accounts/", include("luzhi.accounts.urls")),
    path("", include("luzhi.dashboard.urls")),
]
