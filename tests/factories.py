"""factory_boy factories for every model the tests touch."""

from datetime import time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from associations.models import Association, Membership
from booking.models import Booking, Category, CoHost, Occurrence, Status
from venues.models import Closure, Municipality, OpeningHours, Room, Venue

PASSWORD = "tupa-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kunta {n}")
    slug = factory.Sequence(lambda n: f"kunta-{n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Hyvinvointitupa {n}")
    slug = factory.Sequence(lambda n: f"tupa-{n}")
    address = "Keskustie 1, 19650 Joutsa"
    time_zone = "Europe/Helsinki"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Sali {n}")
    slug = factory.Sequence(lambda n: f"sali-{n}")
    capacity = 40
    requires_approval = False
    buffer_minutes = 0
    min_booking_minutes = 30
    max_booking_minutes = 12 * 60
    booking_horizon_days = 365


def open_every_day(venue, opens=time(8), closes=time(22), room=None):
    for weekday in range(7):
        OpeningHours.objects.create(venue=venue, room=room, weekday=weekday, opens=opens, closes=closes)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    venue = factory.SubFactory(VenueFactory)
    start = factory.LazyFunction(timezone.now)
    end = factory.LazyAttribute(lambda c: c.start + timedelta(days=1))
    reason = "Remontti"


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Eläkeläisyhdistys {n}")
    slug = factory.Sequence(lambda n: f"yhdistys-{n}")
    contact_email = factory.LazyAttribute(lambda a: f"{a.slug}@example.org")
    status = Association.Status.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    association = factory.SubFactory(AssociationFactory)
    role = Membership.Role.MEMBER


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = "exercise"
    name_fi = "Liikunta"
    name_sv = "Motion"
    name_en = "Exercise"


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row only; tests that need dates add OccurrenceFactory rows or use the service."""

    class Meta:
        model = Booking

    association = factory.SubFactory(AssociationFactory)
    room = factory.SubFactory(RoomFactory)
    title = factory.Sequence(lambda n: f"Kerhoilta {n}")
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    end = factory.LazyAttribute(lambda b: b.start + timedelta(hours=2))
    status = Status.CONFIRMED
    is_public = True


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occurrence

    booking = factory.SubFactory(BookingFactory)
    room = factory.LazyAttribute(lambda o: o.booking.room)
    start = factory.LazyAttribute(lambda o: o.booking.start)
    end = factory.LazyAttribute(lambda o: o.booking.end)
    block_end = factory.LazyAttribute(lambda o: o.end + (o.room.buffer if o.room else timedelta(0)))
    recurrence_id = factory.LazyAttribute(lambda o: o.start)
    status = factory.LazyAttribute(lambda o: o.booking.status)


class CoHostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoHost

    booking = factory.SubFactory(BookingFactory)
    association = factory.SubFactory(AssociationFactory)
    status = CoHost.Status.ACCEPTED
