from django.urls import path

from missions import views

urlpatterns = [
    path("viaticos/calculadora/", views.calculator, name="per-diem-calculator"),
    path("viaticos/cotizaciones/", views.quote_list, name="quote-list"),
    path("viaticos/cotizaciones/<int:pk>/decidir/", views.quote_decide, name="quote-decide"),
]
