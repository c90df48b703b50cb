"""Find the site a public request is for: ``/site/<code>/`` path prefix first (machines
without DNS), then the host name, then the configured default site."""
from django.conf import settings
from django.http import Http404

from .models import Site
from .selectors import site_by_host
from .sitecache import memo


class SiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site = None
        request.site_by_path = False
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "portal_view", False):
            return None
        code = view_kwargs.pop("site_code", None)
        if code is not None:
            site = memo(("site-code", code), lambda: Site.objects.filter(code=code, is_active=True).first())
            request.site_by_path = True
        else:
            host = request.get_host()
            site = memo(("site-host", host), lambda: site_by_host(host))
            default = settings.TAXSITE_DEFAULT_SITE
            if site is None and default:
                site = memo(("site-code", default), lambda: Site.objects.filter(code=default, is_active=True).first())
        if site is None:
            raise Http404("no such site")
        request.site = site
        return None
