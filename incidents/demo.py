"""The demo's healthcare region (*sjukvårdsregion*): the seven regions of Uppsala–Örebro that
the regional alarm goes to. The three of this centre (Uppsala, Västmanland, Sörmland) are
linked to its own regions, so their units may be pledged and held; none has a CAP endpoint, so
no alarm leaves the machine: their people are texted through the demo's SMS outbox, at numbers
from the range set aside for fiction (PTS: 070-1740605 to 070-1740699)."""

from django.db import transaction

from accounts.models import User
from crews.models import Region

from .models import AlarmContact, AlarmRegion, ContactKind

# (code, name, linked to this centre's region, TiB's name or the demo user who is TiB).
REGIONS = [
    ("UPP", "Region Uppsala", True, "Helena Lindqvist"),
    ("VML", "Region Västmanland", True, "tove"),
    ("SRM", "Region Sörmland", True, "Mats Engström"),
    ("ORB", "Region Örebro län", False, "Karin Holm"),
    ("VRM", "Region Värmland", False, "Per Nyberg"),
    ("DLR", "Region Dalarna", False, "Sofia Dahl"),
    ("GVB", "Region Gävleborg", False, "Anders Wikström"),
]


def _contact(region: AlarmRegion, kind: str, name: str, phone: str, user=None) -> bool:
    contact, created = AlarmContact.objects.get_or_create(
        alarm_region=region, kind=kind, name=name,
        defaults={"phone": phone, "user": user, "active": True})
    if not created and (contact.phone != phone or contact.user_id != getattr(user, "pk", None)):
        contact.phone, contact.user = phone, user
        contact.save(update_fields=["phone", "user"])
    return created


@transaction.atomic
def alarm_regions_seed() -> tuple[int, int]:
    """The regions and their contacts (a TiB, the dispatch centre, the blood centre).
    Idempotent: an operator's endpoint and tokens are left as they are (none is made here: the
    outbound one is typed in the admin, the inbound one issued by `manage.py
    incident_region_token <code>`). Returns (regions made, contacts made)."""
    regions_made = contacts_made = 0
    for order, (code, name, linked, tib) in enumerate(REGIONS):
        own = Region.objects.filter(code=code).first() if linked else None
        region, created = AlarmRegion.objects.get_or_create(
            code=code, defaults={"name": name, "region": own, "sort_order": order})
        if not created and region.region_id is None and own is not None:
            region.region = own
            region.save(update_fields=["region"])
        regions_made += created
        user = User.objects.filter(username=tib).first() if tib == "tove" else None
        if user is not None:
            contacts_made += _contact(region, ContactKind.TIB, str(user),
                                      user.phone_number or f"+4670174065{order}", user)
        else:
            contacts_made += _contact(region, ContactKind.TIB, f"{tib} (TiB)",
                                      f"+4670174065{order}")
        contacts_made += _contact(region, ContactKind.DISPATCH_CENTRE,
                                  f"Larmcentralen, {name}", f"+4670174067{order}")
        contacts_made += _contact(region, ContactKind.BLOOD_CENTRE,
                                  f"Blodcentralen, {name}", f"+4670174068{order}")
    return regions_made, contacts_made
