"""The demo's partner organisation: Polisregion Bergslagen (the police region of Västmanland),
user `polisen`, which reads and posts the shareable notices of Region Västmanland."""

from crews.models import Region

from .models import Partner, PartnerKind
from .services.partners import partner_create

DEMO_PARTNER = "Polisregion Bergslagen"
DEMO_PARTNER_USERNAME = "polisen"
# Of the demo's regions, Polisregion Bergslagen covers Västmanland.
DEMO_PARTNER_REGIONS = ("VML",)


def partners_seed() -> tuple[Partner, str | None]:
    """The demo partner (made once): the partner and its first token's key when it was made
    now, else None (the key exists only when issued)."""
    partner = Partner.objects.filter(name=DEMO_PARTNER).first()
    if partner is not None:
        return partner, None
    regions = list(Region.objects.filter(code__in=DEMO_PARTNER_REGIONS))
    return partner_create(name=DEMO_PARTNER, kind=PartnerKind.POLICE, regions=regions,
                          username=DEMO_PARTNER_USERNAME)
