from django.urls import path

from settlements import payment_views, views

app_name = "settlements"

urlpatterns = [
    path("liquidaciones/", views.settlement_list, name="list"),
    path("tesoreria/pagos/", payment_views.payment_list, name="payments"),
    path("liquidaciones/bandeja/", views.inbox, name="inbox"),
    path("liquidaciones/iniciar/<int:mission_pk>/", views.settlement_start, name="start"),
    path("liquidaciones/<int:pk>/", views.settlement_detail, name="detail"),
    path("liquidaciones/<int:pk>/revision/", views.settlement_review, name="review"),
    path("liquidaciones/<int:pk>/liquidado.pdf", views.settlement_bundle, name="bundle"),
    path("liquidaciones/<int:pk>/informe.pdf", views.settlement_report, name="report"),
    path("liquidaciones/<int:pk>/recibo-egresos.pdf", views.recibo_egresos, name="recibo_egresos"),
    path("liquidaciones/<int:pk>/<slug:action>/", views.settlement_action, name="action"),
    path(
        "liquidaciones/comprobantes/<int:pk>/<slug:action>/",
        views.receipt_action,
        name="receipt_action",
    ),
    path("liquidaciones/documentos/<int:pk>/", views.document_file, name="document"),
    path(
        "liquidaciones/documentos/<int:pk>/quitar/", views.document_remove, name="document_remove"
    ),
]
