"""Input rules shared by the public forms and the models (so no caller can skip them)."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_SUBJECT = 100
MAX_BODY = 5000

# A tag or comment as a browser would read it: "<" directly followed by a letter, "/", "!" or
# "?". Plain text such as "收入<5000元" or "a < b" is not markup and is accepted (and escaped on
# every page like all visitor input).
_MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z][^>]*>|<!--|javascript\s*:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def validate_plain_text(value):
    if value and _MARKUP.search(value):
        raise ValidationError(
            _("Please write plain text: HTML tags and scripts are not accepted."), code="markup")
    if value and _CONTROL.search(value):
        raise ValidationError(_("The text contains invisible control characters."), code="control")


def validate_body_length(value):
    if value and len(value) > MAX_BODY:
        raise ValidationError(
            _("The message is too long: at most %(max)s characters, yours has %(length)s."),
            code="too_long", params={"max": f"{MAX_BODY:,}", "length": f"{len(value):,}"})
