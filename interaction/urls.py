"""Public interaction URLs (filled in by the interaction issue)."""
urlpatterns = []
