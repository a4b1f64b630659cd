from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Jobs that span apps (erasure, demo data): the one place allowed to import every app."""

    name = "operations"
    verbose_name = _("Operations")
