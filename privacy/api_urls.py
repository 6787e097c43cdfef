from django.urls import path

from privacy import api

urlpatterns = [
    path("arco-requests/", api.ArcoRequestCreateView.as_view(), name="arco-request-create"),
    path(
        "arco-requests/<str:tracking_code>/",
        api.ArcoRequestStatusView.as_view(),
        name="arco-request-status",
    ),
]
