"""Settings for bench/calendar.py: Tupa's own, plus django-scheduler to compare against.

django-scheduler is not part of the runtime (README, "Dependency notes"): only this
benchmark installs its app and migrates its tables, in the benchmark's own database.
"""

from tupa.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "schedule"]  # noqa: F405
