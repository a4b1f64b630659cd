"""For the operator handling a written erasure request (GDPR art. 17)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from operations.privacy import erase_user


class Command(BaseCommand):
    help = "Delete a user's account and personal data; their bookings and the statistics stay."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        try:
            summary = erase_user(user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Erased user {username!r}:")
        for what, count in summary.items():
            self.stdout.write(f"  {what.replace('_', ' ')}: {count}")
        self.stdout.write("Kept: their bookings (author left empty), the audit trail and the statistics.")
