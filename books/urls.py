from django.urls import path, re_path

from books import views

app_name = "books"

urlpatterns = [
    path("contabilidad/diario/", views.journal, name="journal"),
    re_path(
        r"^contabilidad/diario\.(?P<fmt>csv|xlsx)$",
        views.journal_export,
        name="journal-export",
    ),
    path("contabilidad/balance/", views.trial_balance, name="trial-balance"),
    re_path(
        r"^contabilidad/balance\.(?P<fmt>csv|xlsx)$",
        views.trial_balance_export,
        name="trial-balance-export",
    ),
    path("contabilidad/asientos/<int:pk>/revertir/", views.entry_reverse, name="entry-reverse"),
    path("presupuestos/informe-donante/", views.donor_report, name="donor-report"),
    re_path(
        r"^presupuestos/informe-donante\.(?P<fmt>csv|xlsx|pdf)$",
        views.donor_report_export,
        name="donor-report-export",
    ),
]
