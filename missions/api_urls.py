from django.urls import path

from missions import api

urlpatterns = [
    path("per-diem/quote/", api.PerDiemQuoteView.as_view(), name="per-diem-quote"),
]
