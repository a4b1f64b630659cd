from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Usage statistics")

    def ready(self):
        from .triggers import reinstall_triggers

        # The rollup's triggers sit on booking and venue tables, which SQLite rebuilds (and
        # so drops their triggers) in many migrations: put them back after every migrate.
        post_migrate.connect(reinstall_triggers, sender=self, dispatch_uid="tupa_rollup_triggers")
