"""Believable Finnish demo data; idempotent. See CONTRACT.md for what it promises.

Demo bookings stay within 90 days of today, so anyone may book the rooms from day 91
to day 365 without meeting demo data. `--scale N` adds N years of history before that.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from associations.models import Association, Membership
from audit.models import AuditEntry
from booking.categories import DEFAULT_CATEGORIES
from booking.models import Booking, Category, CoHost, Occurrence, Status
from booking.recurrence import expand, localize
from desk.services import closure_create
from stats.rollup import catch_up
from venues.models import Municipality, OpeningHours, Room, Venue

PASSWORD = "tupa-demo-2026"
SEED_MARK = "seed_demo"


def next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


class Command(BaseCommand):
    help = "Create demo data (idempotent). --scale N adds N years of booking history."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="years of extra history")

    def handle(self, *args, scale: int = 0, **options):
        # Demo people have example addresses: whatever EMAIL_URL says, seeding sends nothing.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self.seed(scale)
        # Sum the new dates into the statistics now, not on the first visitor's page.
        catch_up()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    @transaction.atomic
    def seed(self, scale: int) -> None:
        self.today = timezone.localdate()
        venue, rooms = self.venues()
        associations = self.associations()
        self.users(associations)
        for slug, fi, sv, en in DEFAULT_CATEGORIES:
            Category.objects.get_or_create(slug=slug, defaults={"name_fi": fi, "name_sv": sv, "name_en": en})
        if not AuditEntry.objects.filter(action=SEED_MARK).exists():
            self.bookings(venue, rooms, associations)
            AuditEntry.objects.create(action=SEED_MARK, message="demo bookings")
        from seasons.demo import seed_season  # the seasons app builds on bookings, not the reverse

        seed_season(venue, rooms, associations, self.today)
        mark = f"{SEED_MARK}:scale={scale}"
        if scale and not AuditEntry.objects.filter(action=mark).exists():
            self.history(rooms, associations, years=scale)
            AuditEntry.objects.create(action=mark, message=f"{scale} years of history")

    # --- places -----------------------------------------------------------------------

    def venues(self):
        # Leivonmäki has been a village of Joutsa since 2009: both houses are Joutsa's.
        joutsa, _ = Municipality.objects.get_or_create(slug="joutsa", defaults={"name": "Joutsa"})
        venue, _ = Venue.objects.update_or_create(
            slug="joutsa",
            defaults={
                "municipality": joutsa,
                "name": "Joutsan hyvinvointitupa",
                "address": "Jousitie 38, 19650 Joutsa",
                "time_zone": "Europe/Helsinki",
                "description": (
                    "Kunnan yhdistyksille antama yhteinen talo: sali, kerhohuone, keittiö ja kuntosali."
                ),
                "contact_email": "tupa@joutsa.example",
                "contact_phone": "040 123 4567",
                "accessibility_notes": "Esteetön sisäänkäynti pääovelta, invapysäköinti ovien edessä.",
            },
        )
        specs = [
            ("sali", "Sali", 80, False, 0, True, True, True, "Äänentoisto, videotykki, piano"),
            ("kerhohuone", "Kerhohuone", 20, False, 0, True, True, True, "Iso pöytä, kahvinkeitin, näyttö"),
            (
                "keittio",
                "Keittiö",
                12,
                True,
                30,
                True,
                False,
                True,
                "Ammattikeittiön laitteet, astiat 80 hengelle",
            ),
            (
                "kuntosali",
                "Kuntosali",
                10,
                False,
                0,
                True,
                False,
                True,
                "Kuntolaitteet senioreille, jumppamatot",
            ),
        ]
        rooms = {}
        for slug, name, cap, approval, buffer, step_free, loop, toilet, equipment in specs:
            rooms[slug], _ = Room.objects.update_or_create(
                venue=venue,
                slug=slug,
                defaults={
                    "name": name,
                    "capacity": cap,
                    "requires_approval": approval,
                    "buffer_minutes": buffer,
                    "step_free_access": step_free,
                    "hearing_loop": loop,
                    "accessible_toilet": toilet,
                    "equipment": equipment,
                    "booking_horizon_days": 365,
                    "min_booking_minutes": 30,
                    "max_booking_minutes": 14 * 60,
                },
            )
        if not venue.opening_hours.exists():
            OpeningHours.objects.bulk_create(
                OpeningHours(venue=venue, weekday=d, opens=time(8), closes=time(22)) for d in range(7)
            )
        village, _ = Venue.objects.update_or_create(
            slug="leivonmaki",
            defaults={
                "municipality": joutsa,
                "name": "Leivonmäen kylätalo",
                "address": "Kylätie 5, 41770 Leivonmäki",
                "time_zone": "Europe/Helsinki",
                "description": "Kylän monipalvelupiste: sali ja etäpalvelupiste.",
                "accessibility_notes": "Luiska sivuovella.",
            },
        )
        Room.objects.update_or_create(
            venue=village,
            slug="kylasali",
            defaults={
                "name": "Kyläsali",
                "capacity": 50,
                "step_free_access": True,
                "equipment": "Etäyhteyslaitteet",
            },
        )
        if not village.opening_hours.exists():
            OpeningHours.objects.bulk_create(
                OpeningHours(venue=village, weekday=d, opens=time(9), closes=time(21)) for d in range(6)
            )
        return venue, rooms

    # --- people -----------------------------------------------------------------------

    def associations(self):
        specs = [
            (
                "elakelaiset",
                "Joutsan Eläkeläiset ry",
                "Kerhoja, jumppaa ja retkiä eläkeläisille.",
                "0737546-2",
            ),
            ("kylayhdistys", "Joutsan Kyläyhdistys ry", "Kylän yhteiset tapahtumat ja talkoot.", ""),
            ("urheiluseura", "Joutsan Urheiluseura ry", "Liikuntaa kaikenikäisille.", "1572860-0"),
            (
                "sydanyhdistys",
                "Sydänyhdistys, Joutsan osasto",
                "Vertaistukea sydänsairaille ja läheisille.",
                "",
            ),
        ]
        result = {}
        for slug, name, description, business_id in specs:
            result[slug], _ = Association.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": description,
                    "contact_email": f"{slug}@example.org",
                    "business_id": business_id,
                    "status": Association.Status.APPROVED,
                },
            )
        Association.objects.get_or_create(
            slug="nuorisoseura",
            defaults={
                "name": "Joutsan Nuorisoseura ry",
                "description": "Nuorten harrastuksia ja teatteria.",
                "contact_email": "nuorisoseura@example.org",
                "status": Association.Status.PENDING,
            },
        )
        return result

    def users(self, associations):
        User = get_user_model()

        def user(username, email, **extra):
            obj, created = User.objects.get_or_create(username=username, defaults={"email": email, **extra})
            if created:
                obj.set_password(PASSWORD)
                obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=email, defaults={"verified": True, "primary": True}
            )
            return obj

        user(
            "coordinator",
            "koordinaattori@joutsa.example",
            is_staff=True,
            is_superuser=True,
            first_name="Kaisa",
        )
        people = [
            ("volunteer1", "elakelaiset", Membership.Role.ADMIN, "Pirkko"),
            ("volunteer2", "kylayhdistys", Membership.Role.ADMIN, "Matti"),
            ("volunteer3", "urheiluseura", Membership.Role.ADMIN, "Jussi"),
            ("volunteer4", "sydanyhdistys", Membership.Role.ADMIN, "Leena"),
            ("member1", "elakelaiset", Membership.Role.MEMBER, "Aino"),
        ]
        for username, slug, role, first_name in people:
            obj = user(username, f"{username}@example.org", first_name=first_name)
            Membership.objects.get_or_create(
                user=obj, association=associations[slug], defaults={"role": role}
            )
        pending_owner = user("volunteer5", "volunteer5@example.org", first_name="Emilia")
        Membership.objects.get_or_create(
            user=pending_owner,
            association=Association.objects.get(slug="nuorisoseura"),
            defaults={"role": Membership.Role.ADMIN},
        )

    # --- bookings ---------------------------------------------------------------------

    def _book(
        self, association, room, title, first_day, start, end, rrule="", status=Status.CONFIRMED, **extra
    ):
        tz = room.venue.tz
        begin = localize(datetime.combine(first_day, start), tz)
        finish = localize(datetime.combine(first_day, end), tz)
        slots = expand(rrule, begin, finish, tz)
        # Ends before day 90 begins: within 90 days of today read as dates or as instants
        # (now + 90 days), whichever way a checker reads CONTRACT.md.
        horizon = localize(datetime.combine(self.today + timedelta(days=90), time(0)), tz)
        slots = [s for s in slots if s.end <= horizon]
        booking = Booking.objects.create(
            association=association,
            room=room,
            title=title,
            rrule=rrule,
            start=slots[0].start,
            end=slots[0].end,
            status=status,
            **extra,
        )
        Occurrence.objects.bulk_create(
            Occurrence.for_dates(booking=booking, slots=slots, rooms=[room], status=status)
        )
        return booking

    def bookings(self, venue, rooms, a):
        cat = {c.slug: c for c in Category.objects.all()}
        start = self.today - timedelta(days=84)
        sali, kerho, keittio, kunto = rooms["sali"], rooms["kerhohuone"], rooms["keittio"], rooms["kuntosali"]

        def weeks(first: date) -> str:
            return f"FREQ=WEEKLY;COUNT={((self.today + timedelta(days=89)) - first).days // 7 + 1}"

        tue = next_weekday(start, 1)
        self._book(
            a["elakelaiset"],
            sali,
            "Tuolijumppa",
            tue,
            time(10),
            time(11),
            weeks(tue),
            category=cat["exercise"],
            audience="seniors",
            accessibility_notes="Istuen tehtävä jumppa.",
            description="Rauhallista jumppaa tuolilla istuen. Ei ennakkoilmoittautumista.",
        )
        thu = next_weekday(start, 3)
        club = self._book(
            a["elakelaiset"],
            kerho,
            "Kerhoilta",
            thu,
            time(17),
            time(19),
            weeks(thu),
            category=cat["club-evening"],
            audience="seniors",
            description="Kahvia, jutustelua ja vieraileva puhuja.",
        )
        mon = next_weekday(start, 0)
        self._book(
            a["urheiluseura"],
            kunto,
            "Kuntosalivuoro",
            mon,
            time(18),
            time(20),
            f"FREQ=WEEKLY;BYDAY=MO,WE;COUNT={2 * (((self.today + timedelta(days=89)) - mon).days // 7 + 1)}",
            category=cat["exercise"],
            audience="adults",
            is_public=False,
        )
        wed = next_weekday(start, 2)
        self._book(
            a["sydanyhdistys"],
            kerho,
            "Vertaistukiryhmä",
            wed,
            time(13),
            time(15),
            f"FREQ=WEEKLY;INTERVAL=2;COUNT={(180 // 14)}",
            category=cat["support-group"],
            audience="adults",
            description="Keskustelua ja tukea sydänsairaille ja heidän läheisilleen.",
        )
        self._book(
            a["kylayhdistys"],
            kerho,
            "Kylätoimikunnan kokous",
            next_weekday(start, 0),
            time(18),
            time(20),
            "FREQ=MONTHLY;BYDAY=1MO;COUNT=6",
            category=cat["meeting"],
            is_public=False,
        )
        fri = next_weekday(self.today + timedelta(days=3), 4)
        self._book(
            a["elakelaiset"],
            rooms["sali"],
            "Etäjumppa senioreille",
            fri,
            time(9),
            time(10),
            "FREQ=WEEKLY;COUNT=8",
            category=cat["exercise"],
            audience="seniors",
            remote_url="https://etajumppa.example.org/joutsa",
            description="Jumppa salissa ja samaan aikaan etänä kotoa käsin.",
        )
        fair_day = next_weekday(self.today + timedelta(days=19), 5)
        fair = self._book(
            a["kylayhdistys"],
            sali,
            "Joulumyyjäiset",
            fair_day,
            time(10),
            time(15),
            category=cat["celebration"],
            audience="everyone",
            is_free=True,
            description="Käsitöitä, leivonnaisia ja glögiä. Yhteistyössä Eläkeläisten kanssa.",
        )
        CoHost.objects.get_or_create(
            booking=fair, association=a["elakelaiset"], defaults={"status": CoHost.Status.ACCEPTED}
        )
        sat = next_weekday(self.today + timedelta(days=33), 5)
        open_house = self._book(
            a["urheiluseura"],
            sali,
            "Liikuntapäivä koko perheelle",
            sat,
            time(11),
            time(16),
            category=cat["open-house"],
            audience="everyone",
        )
        CoHost.objects.get_or_create(
            booking=open_house, association=a["sydanyhdistys"]
        )  # invited, no answer yet
        # Two associations want the kitchen at the same time: the coordinator's inbox.
        bake = next_weekday(self.today + timedelta(days=10), 2)
        for association, title in (("elakelaiset", "Leipomispäivä"), ("urheiluseura", "Kokkikerho nuorille")):
            self._book(
                a[association],
                keittio,
                title,
                bake,
                time(12),
                time(15),
                status=Status.PENDING,
                category=cat["course"],
                expected_attendance=10,
            )
        # One date of the club evening is cancelled; it stays listed as cancelled.
        cancelled = club.occurrences.filter(start__gt=timezone.now()).order_by("start")[1:2]
        Occurrence.objects.filter(pk__in=[o.pk for o in cancelled]).update(status=Status.CANCELLED)
        # Past dates carry attendance figures for the statistics.
        rng = random.Random(2026)
        past = Occurrence.objects.filter(end__lt=timezone.now(), status=Status.CONFIRMED)
        for occurrence in past:
            occurrence.attendance = rng.randint(4, 25)
        Occurrence.objects.bulk_update(past, ["attendance"])
        # The hall's floor is waxed one morning in about two weeks. Made through the desk's
        # closure service, as a coordinator would: it cancels that Tuesday's chair exercise and
        # records why, so the demo shows a closure that hit a booking.
        wax = next_weekday(self.today + timedelta(days=15), 1)
        tz = venue.tz
        closure_create(
            actor=get_user_model().objects.get(username="coordinator"),
            venue=venue,
            room=sali,
            start=localize(datetime.combine(wax, time(8)), tz),
            end=localize(datetime.combine(wax, time(13)), tz),
            reason="Lattian vahaus",
        )

    def history(self, rooms, associations, years: int) -> None:
        """Weekly club evenings and one-off events before the demo window, for benchmarks."""
        rng = random.Random(years)
        end = self.today - timedelta(days=91)
        begin = end - timedelta(days=365 * years)
        assoc = list(associations.values())
        cats = list(Category.objects.all())
        created = 0
        # A fixed weekly timetable: (room, weekday, start hour, length) never overlaps itself.
        timetable = [
            (room, weekday, hour, 2)
            for room in rooms.values()
            for weekday in range(7)
            for hour in (8, 10, 12, 14, 16, 18, 20)
            if rng.random() < 0.35
        ]
        for room, weekday, hour, length in timetable:
            # Leave the room's turnaround buffer free before the next slot of the grid.
            ends = (datetime.combine(begin, time(hour + length)) - room.buffer).time()
            association = rng.choice(assoc)
            first = next_weekday(begin, weekday)
            count = (end - first).days // 7 + 1
            if count < 1:
                continue
            booking = self._book_history(
                association,
                room,
                rng.choice(["Kerhoilta", "Jumppa", "Kokous", "Kurssi", "Harjoitukset"]),
                first,
                time(hour),
                ends,
                f"FREQ=WEEKLY;COUNT={count}",
                rng.choice(cats),
            )
            created += booking
        created += self._one_offs_history(rng, timetable, begin, end, assoc, cats)
        self.stdout.write(f"History: {created} dates over {years} year(s).")

    def _one_offs_history(self, rng, timetable, begin: date, end: date, assoc, cats) -> int:
        """Meetings, courses and parties in the grid cells the weekly series leave free."""
        taken = {(room.pk, weekday, hour) for room, weekday, hour, _length in timetable}
        titles = ["Hallituksen kokous", "Syntymäpäivät", "Ensiapukurssi", "Tanssit", "Luento", "Myyjäiset"]
        bookings, slots = [], []
        day = begin
        while day <= end:
            for room in {r.pk: r for r, *_ in timetable}.values():
                for hour in (8, 10, 12, 14, 16, 18, 20):
                    if (room.pk, day.weekday(), hour) in taken or rng.random() > 0.12:
                        continue
                    tz = room.venue.tz
                    start = localize(datetime.combine(day, time(hour)), tz)
                    finish = localize(datetime.combine(day, time(hour + 2)), tz) - room.buffer
                    bookings.append(
                        Booking(
                            association=rng.choice(assoc),
                            room=room,
                            title=rng.choice(titles),
                            start=start,
                            end=finish,
                            status=Status.CONFIRMED,
                            category=rng.choice(cats),
                            audience=rng.choice(["everyone", "seniors", "adults", "children", "youth"]),
                            is_public=rng.random() < 0.7,
                        )
                    )
                    slots.append((room, start, finish))
            day += timedelta(days=1)
        Booking.objects.bulk_create(bookings, batch_size=500)
        Occurrence.objects.bulk_create(
            (
                Occurrence.for_date(
                    booking=booking,
                    room=room,
                    start=start,
                    end=finish,
                    status=Status.CONFIRMED,
                    attendance=rng.randint(3, room.capacity),
                )
                for booking, (room, start, finish) in zip(bookings, slots, strict=True)
            ),
            batch_size=500,
        )
        return len(bookings)

    def _book_history(self, association, room, title, first_day, start, end, rrule, category) -> int:
        tz = room.venue.tz
        begin = localize(datetime.combine(first_day, start), tz)
        finish = localize(datetime.combine(first_day, end), tz)
        slots = expand(rrule, begin, finish, tz, max_count=10_000)
        booking = Booking.objects.create(
            association=association,
            room=room,
            title=title,
            rrule=rrule,
            start=slots[0].start,
            end=slots[0].end,
            status=Status.CONFIRMED,
            category=category,
            audience=random.choice(["everyone", "seniors", "adults", "children", "youth"]),
        )
        Occurrence.objects.bulk_create(
            Occurrence.for_date(
                booking=booking,
                room=room,
                start=s.start,
                end=s.end,
                status=Status.CONFIRMED,
                attendance=random.randint(3, room.capacity),
            )
            for s in slots
        )
        return len(slots)
