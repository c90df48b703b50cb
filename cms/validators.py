"""Validators for identifiers that national rules fix the shape of."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 网站标识码: "bm" + 8 digits (older sites) or 10 digits (政府网站标识码, 国办发〔2017〕47号).
SITE_ID_CODE_RE = re.compile(r"^(bm\d{8}|\d{10})$")


def validate_site_id_code(value):
    if not SITE_ID_CODE_RE.match(value or ""):
        raise ValidationError(
            _("The site identifier code must be 'bm' followed by 8 digits, or 10 digits."),
            code="site_id_code",
        )
