"""{% attendance_reminder %}: My page's notice of dates without a count.

A template tag, so the associations app (before booking in the dependency order) needs no
import of booking to show it.
"""

from django import template
from django.utils import timezone

from ..selectors import attendance_missing

register = template.Library()


@register.inclusion_tag("booking/_attendance_reminder.html", takes_context=True)
def attendance_reminder(context):
    user = context["request"].user
    missing = attendance_missing(user, now=timezone.now()) if user.is_authenticated else 0
    return {"missing": missing}
