"""{{ minutes|duration }}: a length as people say it — "30 minuuttia", "2 tuntia", "1,5 tuntia"."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(minutes) -> str:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    if minutes < 60 or minutes % 30:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    hours = minutes / 60
    count = 1 if minutes == 60 else 2  # 1,5 takes the plural, as 2 does
    return ngettext("%(hours)s hour", "%(hours)s hours", count) % {
        "hours": number_format(hours, decimal_pos=0 if minutes % 60 == 0 else 1)
    }
