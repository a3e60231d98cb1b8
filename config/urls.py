"""Top-level URLs: pages per app, the API under /api/, the schema and Swagger UI, admin, i18n."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from approvals.applications import urls as application_urls
from approvals.risk import urls as risk_urls
from approvals.verification import urls as verification_urls
from approvals.workflow import urls as workflow_urls

# The admin is for staff only (Django's own check); its login is throttled by django-axes like the portal's.
admin.site.site_header = _("anbao 安保 管理")

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("events/", include("events.urls")),
    path("applications/", include(application_urls.pages)),
    path("review/", include(workflow_urls.pages)),
    # Public, no sign-in: anyone holding a permit or refusal checks it by its QR code or short code.
    path("verify/", include(verification_urls.pages)),
    path("applications/", include(risk_urls.pages)),
    path("applications/", include("siteplan.urls")),
    path("risk/", include("riskassess.urls")),
    path("plans/", include("plans.urls")),
    path("eventday/", include("eventday.urls")),
    path("calendar/", include("approvals.calendar.urls")),
    path("notifications/", include("notifications.urls")),
    # The schema and its Swagger UI (served locally) are for signed-in users (SPECTACULAR_SETTINGS
    # SERVE_PERMISSIONS; the page sends others to sign in). No ReDoc: it loads fonts and a logo from the internet.
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="swagger-ui"),
    path("api/auth/", include("accounts.api_urls")),
    path("api/", include("events.api_urls")),
    path("api/", include(application_urls.api_urls)),
    path("api/", include(workflow_urls.api_urls)),
    path("api/", include(risk_urls.api_urls)),
    path("api/", include("riskassess.api_urls")),
    path("api/", include("plans.api_urls")),
    path("api/", include("eventday.api_urls")),
    path("api/", include("notifications.api_urls")),
    path("api/", include("siteplan.api_urls")),
]
