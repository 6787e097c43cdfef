from django.urls import path

from books import api

urlpatterns = [
    path("journal/", api.JournalView.as_view(), name="journal"),
    path("journal/trial-balance/", api.TrialBalanceView.as_view(), name="journal-trial-balance"),
]
