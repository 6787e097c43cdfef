from rest_framework.routers import SimpleRouter

from missions import api

router = SimpleRouter()
router.register("missions", api.MissionViewSet, basename="mission")
router.register("advances", api.AdvanceViewSet, basename="advance")

urlpatterns = router.urls
