from django.apps import AppConfig


class TupaConfig(AppConfig):
    """The project's own plumbing: the shared rate-limit store, e-mail tasks, the worker."""

    name = "tupa"
    label = "tupa"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import ratelimits

        ratelimits.install()
