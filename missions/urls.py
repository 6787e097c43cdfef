from django.urls import path

from missions import views, views_budgets

app_name = "missions"

urlpatterns = [
    path("misiones/", views.mission_list, name="list"),
    path("misiones/nueva/", views.mission_new, name="new"),
    path("misiones/<int:pk>/", views.mission_detail, name="detail"),
    path("misiones/<int:pk>/editar/", views.mission_edit, name="edit"),
    path("misiones/<int:pk>/invitacion/", views.invitation_file, name="invitation"),
    path("misiones/<int:pk>/nombramiento.pdf", views.mission_order_pdf, name="order-pdf"),
    path("misiones/<int:pk>/<slug:name>/", views.mission_action, name="action"),
    path("anticipos/<int:pk>/solicitud.pdf", views.advance_pdf, name="advance-pdf"),
    path("anticipos/<int:pk>/<slug:name>/", views.advance_action, name="advance-action"),
    path("por-aprobar/", views.inbox, name="inbox"),
    path("por-aprobar/aprobar/", views.inbox_decide, name="inbox-decide"),
    path("por-aprobar/contador/", views.inbox_badge, name="inbox-badge"),
    path("por-aprobar/sin-aprobador/", views.approvals_stuck, name="approvals-stuck"),
    path("cuenta/delegaciones/", views.delegations, name="delegations"),
    path("cuenta/delegaciones/<int:pk>/terminar/", views.delegation_end, name="delegation-end"),
    path("tesoreria/desembolsos/", views.disbursements, name="disbursements"),
    path("presupuestos/", views_budgets.budget_list, name="budgets"),
    path("presupuestos/importar/", views_budgets.budget_import, name="budgets-import"),
    path(
        "presupuestos/misiones-sin-linea/",
        views_budgets.missions_without_line,
        name="budgets-unmatched",
    ),
    path(
        "presupuestos/misiones-sin-linea/<int:pk>/",
        views_budgets.mission_set_line,
        name="budgets-set-line",
    ),
]
