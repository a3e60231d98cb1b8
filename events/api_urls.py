"""API URLs of events (mounted under /api/)."""
from rest_framework.routers import SimpleRouter

from . import api

app_name = "events_api"

router = SimpleRouter()
router.register("venues", api.VenueViewSet, basename="venue")
urlpatterns = router.urls
