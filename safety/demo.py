"""The demo's risk notices (*skyddsinformation*) in Västerås, at addresses of the places demo
that the other demo flows do not use (far enough from Stora torget and Vasagatan that their
cases match none of them): one for an address, one with a radius, one about a person."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from crews.models import Region

from .models import NoticeAction, NoticeCategory, NoticeSource, RiskNotice
from .services.notices import notice_create

# A made-up person: the number passes the check digit but is no one's (1958-04-22, 981).
DEMO_PERSON_PIN = "19580422-9812"

NOTICES = [
    {"address": "Skultunavägen 9, Västerås", "latitude": 59.622539, "longitude": 16.546160,
     "radius_m": 0, "category": NoticeCategory.DANGEROUS_ANIMAL,
     "action": NoticeAction.CAUTION, "source": NoticeSource.DISPATCHER,
     "background": "Två lösgående hundar (rottweiler) på gården; ägaren låser in dem om man "
                   "ringer i förväg, 070-174 06 80.", "shareable": False},
    {"address": "Emausvägen 15, Västerås", "latitude": 59.616402, "longitude": 16.571695,
     "radius_m": 150, "category": NoticeCategory.THREAT, "action": NoticeAction.STAGING,
     "source": NoticeSource.POLICE,
     "background": "Polisen (Bergslagen): upprepade hot mot blåljuspersonal i kvarteret "
                   "senaste månaden. Invänta polis vid Emausvägen/Malmabergsgatan.",
     "shareable": True},
    {"address": "Sigurdsgatan 21, Västerås", "latitude": 59.617419, "longitude": 16.537664,
     "radius_m": 0, "personal_identity_number": DEMO_PERSON_PIN,
     "category": NoticeCategory.VIOLENCE, "action": NoticeAction.TWO_UNITS,
     "source": NoticeSource.CREW_REPORT,
     "background": "Besättningen på AMB 1020 blev slagen vid besök i mars. Personen kan bli "
                   "våldsam vid alkoholpåverkan; var alltid två enheter.", "shareable": False},
]


@transaction.atomic
def notices_seed() -> tuple[int, int]:
    """The demo notices: made once, valid a year from each run. Returns (made, kept)."""
    by = User.objects.filter(username="anna").first() or User.objects.filter(
        is_superuser=True).first()
    region = Region.objects.get(code="VML")
    now = timezone.now()
    made = kept = 0
    for spec in NOTICES:
        existing = RiskNotice.objects.filter(address=spec["address"],
                                             entered_by=by).first()
        if existing is not None:
            RiskNotice.objects.filter(pk=existing.pk).update(
                valid_until=now + timedelta(days=365), state="active", changed_at=now)
            kept += 1
            continue
        notice_create(by=by, region=region, valid_until=now + timedelta(days=365), **spec)
        made += 1
    return made, kept
