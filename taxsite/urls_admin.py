"""URLs of the admin role: the admin, review queue and reports, all behind login. No portal
page is served here."""
from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView
from django.views.static import serve

from .health import healthz, readyz

urlpatterns = [
    path("healthz", healthz),
    path("readyz", readyz),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
