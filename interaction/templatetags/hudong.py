from django import template

from ..views import hudong_url as _hudong_url

register = template.Library()


@register.simple_tag(takes_context=True)
def hudong_url(context, name, *args):
    """Reverse an interaction URL in the addressing mode of the current request."""
    return _hudong_url(context["request"], name, *args)

