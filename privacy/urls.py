from django.urls import path

from privacy import compliance, views, views_incidents

app_name = "privacy"

urlpatterns = [
    path("privacidad/", views.notice, name="notice"),
    path("privacidad/version/<str:version>/", views.notice, name="notice-version"),
    path("privacidad/arco/", views.arco_form, name="arco-form"),
    path("privacidad/arco/recibida/", views.arco_filed, name="arco-filed"),
    path("privacidad/arco/recibida/acuse.pdf", views.arco_acknowledgement_pdf, name="arco-ack-pdf"),
    path(
        "privacidad/arco/confirmar/<str:token>/",
        views.arco_confirm_email,
        name="arco-confirm-email",
    ),
    path("privacidad/arco/descarga/<str:token>/", views.arco_download, name="arco-download"),
    path(
        "privacidad/arco/descarga/<str:token>/<int:attachment_id>/",
        views.arco_download,
        name="arco-download-file",
    ),
    path("privacidad/arco/seguimiento/", views.arco_lookup, name="arco-lookup"),
    path("privacidad/arco/seguimiento/<str:code>/", views.arco_status, name="arco-status"),
    path("privacidad/consentimiento/", views.consent_prompt, name="consent-prompt"),
    path("privacidad/aviso-leido/", views.notice_dismiss, name="notice-dismiss"),
    path("privacidad/mis-datos/", views.my_data, name="my-data"),
    path("privacidad/mis-datos/exportar.json", views.my_data_export, name="my-data-export"),
    path(
        "privacidad/mis-datos/consentimiento/<int:pk>/",
        views.my_consent_change,
        name="my-consent-change",
    ),
    path("privacidad/solicitudes/", views.queue, name="queue"),
    path("privacidad/solicitudes/nueva/", views.intake, name="intake"),
    path("privacidad/solicitudes/<int:pk>/", views.request_detail, name="request"),
    path(
        "privacidad/solicitudes/<int:pk>/adjunto/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "privacidad/solicitudes/<int:pk>/<slug:action>/",
        views.request_action,
        name="request-action",
    ),
    path("privacidad/registros/", views.registers, name="registers"),
    path("privacidad/cumplimiento/", compliance.compliance_page, name="compliance"),
    path("privacidad/cumplimiento.pdf", compliance.compliance_pdf, name="compliance-pdf"),
    # R-S4: incidents, reported by anyone signed in, followed by the Oficial.
    path("privacidad/incidentes/reportar/", views_incidents.incident_report, name="incident-new"),
    path("privacidad/incidentes/<int:pk>/", views_incidents.incident_detail, name="incident"),
    path(
        "privacidad/incidentes/<int:pk>/informe.pdf",
        views_incidents.incident_report_pdf,
        name="incident-report-pdf",
    ),
    path(
        "privacidad/incidentes/<int:pk>/enviar-autoridad/",
        views_incidents.incident_send_authority,
        name="incident-send-authority",
    ),
    path(
        "privacidad/incidentes/<int:pk>/notificar-afectados/",
        views_incidents.incident_notify_subjects,
        name="incident-notify-subjects",
    ),
]
