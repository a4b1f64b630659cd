from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    """Reach beyond the house: open event data for municipal calendars, the noticeboard page.

    After booking in the dependency order (venues → associations → booking → desk → stats,
    reach): it reads bookings and is read by nobody.
    """

    name = "reach"
    verbose_name = _("Open event data")
