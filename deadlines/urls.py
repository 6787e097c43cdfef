from django.urls import path

from deadlines import views
from deadlines import views_proposals as proposals

app_name = "deadlines"

urlpatterns = [
    path("mis-plazos/", views.mine, name="mine"),
    path("mis-plazos/<int:pk>/regreso/", views.record_return, name="record-return"),
    path("contabilidad/plazos/", views.dashboard_view, name="dashboard"),
    path("contabilidad/planilla/", views.payroll_view, name="payroll"),
    path("contabilidad/sanciones/nueva/", views.sanction_new, name="sanction-new"),
    path("sanciones/", views.sanction_list, name="sanctions"),
    path("sanciones/<int:pk>/", views.sanction_detail, name="sanction"),
    path("sanciones/<int:pk>/aplicar/", views.sanction_apply, name="sanction-apply"),
    path("sanciones/<int:pk>/levantar/", views.sanction_lift, name="sanction-lift"),
    path("sanciones/<int:pk>/responder/", proposals.sanction_answer, name="sanction-answer"),
    path("sanciones/<int:pk>/desestimar/", proposals.sanction_dismiss, name="sanction-dismiss"),
    path("sanciones/<int:pk>/ordenes/", proposals.sanction_next_order, name="sanction-next-order"),
    path("requerimientos/<int:pk>/pdf/", views.requirement_pdf, name="requirement-pdf"),
    path("ordenes-descuento/<int:pk>/pdf/", views.order_pdf, name="order-pdf"),
]
