from django import template

from ..selectors import waiting_count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_count(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return waiting_count_for(request.user)
