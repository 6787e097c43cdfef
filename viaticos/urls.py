from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from deadlines import api as deadlines_api
from viaticos import accounts, api, bank_views, dependant_views, health, sessions, views

api_v1: list[URLPattern | URLResolver] = [
    path(
        "calendar/add-business-days/",
        api.AddBusinessDaysView.as_view(),
        name="calendar-add-business-days",
    ),
    path(
        "calendar/settlement-due-date/",
        deadlines_api.SettlementDueDateView.as_view(),
        name="calendar-settlement-due-date",
    ),
    path("", include("missions.api_urls")),
    path("", include("settlements.api_urls")),
    path("privacy/", include("privacy.api_urls")),
    path("", include("deadlines.api")),
    path("", include("books.api_urls")),
    path("", include("deadlines.api_proposals")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("", views.home, name="home"),
    path("", include("missions.urls")),
    path("", include("missions.urls_perdiem")),
    path("", include("books.urls")),
    path("", include("privacy.urls")),
    path("reglas/", views.rules, name="rules"),
    path("cuenta/", views.account, name="account"),
    path("cuenta/token/", views.account_token, name="account-token"),
    path("cuenta/token/revocar/", views.account_token_revoke, name="account-token-revoke"),
    path(
        "cuenta/ingresar/",
        accounts.LoginView.as_view(),
        name="login",
    ),
    path("cuenta/banco/", bank_views.bank_data, name="bank-data"),
    path("cuenta/banco/aprobaciones/", bank_views.bank_approvals, name="bank-approvals"),
    path("cuenta/banco/aprobaciones/<int:pk>/", bank_views.bank_decide, name="bank-decide"),
    path("cuenta/dependientes/", dependant_views.dependant_list, name="dependants"),
    path(
        "cuenta/dependientes/<int:pk>/quitar/",
        dependant_views.dependant_remove,
        name="dependant-remove",
    ),
    path("cuenta/doble-factor/", sessions.second_factor, name="second-factor"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("cuenta/clave/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "cuenta/clave/lista/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("cuenta/recuperar/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "cuenta/recuperar/enviado/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "cuenta/recuperar/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "cuenta/recuperar/listo/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("settlements.urls")),
    path("", include("deadlines.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
]

admin.site.site_header = "Viáticos"
admin.site.site_title = "Viáticos"

handler404 = "viaticos.views.page_not_found"
