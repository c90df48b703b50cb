from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_url(context, name, *args):
    """Reverse a portal URL in the addressing mode of the current request (host or
    ``/site/<code>/``)."""
    request = context["request"]
    if getattr(request, "site_by_path", False):
        return reverse(f"portal_site:{name}", args=[request.site.code, *args])
    return reverse(f"portal:{name}", args=args)


@register.filter
def pubdate(value):
    """The national ``PubDate`` format: yyyy-MM-dd HH:mm, in the site's time zone."""
    from django.utils import timezone

    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.simple_tag(takes_context=True)
def site_prefix(context):
    """'' on a host-addressed request, '/site/<code>' on the path fallback."""
    request = context["request"]
    return f"/site/{request.site.code}" if getattr(request, "site_by_path", False) else ""
