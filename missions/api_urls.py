from django.urls import path
from rest_framework.routers import SimpleRouter

from missions import api

router = SimpleRouter()
router.register("missions", api.MissionViewSet, basename="mission")
router.register("advances", api.AdvanceViewSet, basename="advance")
router.register("budget-lines", api.BudgetLineViewSet, basename="budget-line")

urlpatterns = [
    path("per-diem/quote/", api.PerDiemQuoteView.as_view(), name="per-diem-quote"),
    *router.urls,
]
