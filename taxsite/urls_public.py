"""URLs of the public role: the portal and (later) the public interaction forms. No admin,
no login page, no staff session (SPEC §2, 001 §二(四)2)."""
from django.urls import include, path

from cms import urls as portal_urls
from interaction import urls as interaction_urls

from .health import healthz, readyz

urlpatterns = [
    path("healthz", healthz),
    path("readyz", readyz),
    path("site/<slug:site_code>/", include((portal_urls.urlpatterns, "portal"), namespace="portal_site")),
    path("", include((portal_urls.urlpatterns, "portal"), namespace="portal")),
    # Public interaction forms (interaction app), in both addressing modes as well:
    path("site/<slug:site_code>/hudong/", include((interaction_urls.urlpatterns, "interaction"),
                                                  namespace="interaction_site")),
    path("hudong/", include((interaction_urls.urlpatterns, "interaction"), namespace="interaction")),
]

handler404 = "cms.errors.not_found"
handler500 = "cms.errors.server_error"
