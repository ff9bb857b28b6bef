"""Template helpers of the readers' pages."""

import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# As django.utils.html.json_script escapes: nothing in the data can close the <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(value) -> str:
    """``value`` as JSON safe to place inside ``<script type="application/ld+json">``."""
    return mark_safe(json.dumps(value, ensure_ascii=False).translate(_ESCAPES))


@register.filter
def signed(position: int) -> str:
    return f"{position:+d}" if position else "0"
