from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Bookings")

    def ready(self):
        from .changes import register_sqlite_functions, reinstall_triggers

        # The calendar change triggers call tupa_calendar_txn() on SQLite (booking/changes.py).
        connection_created.connect(register_sqlite_functions, dispatch_uid="tupa_calendar_txn")
        post_migrate.connect(reinstall_triggers, sender=self, dispatch_uid="tupa_calendar_triggers")
