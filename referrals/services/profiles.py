"""The mobile care units' (*mobila vårdenheter*) profiles: what a unit offers now (area,
opening hours, skills, capacity), which the dispatchers' proposals read."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hours
from core.errors import Conflict, Invalid
from crews.models import Unit, UnitKind
from realtime.services import events_publish

from ..models import MobileCareProfile

PROFILE_FIELDS = ("available", "municipalities", "centre_latitude", "centre_longitude",
                  "radius_km", "opening_hours", "skills", "capacity")


def profile_of(unit: Unit) -> MobileCareProfile:
    if unit.kind != UnitKind.MOBILE_CARE:
        raise Conflict(_("%(unit)s is not a mobile care unit.") % {"unit": unit.call_sign})
    profile, _created = MobileCareProfile.objects.get_or_create(unit=unit)
    return profile


def _profile_event(profile: MobileCareProfile) -> dict:
    from ..serializers import ProfileSerializer

    return ProfileSerializer(profile).data


@transaction.atomic
def profile_update(*, unit: Unit, by, **fields) -> MobileCareProfile:
    """The unit's staff set what the unit offers now; refused as a whole when a value is
    wrong. Dispatchers hear it (their proposals change)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(_("Unknown profile field %(name)s.") % {"name": sorted(unknown)[0]})
    profile_of(unit)
    profile = MobileCareProfile.objects.select_for_update().get(unit=unit)
    now = timezone.now()
    if "opening_hours" in fields:
        text = (fields["opening_hours"] or "").strip() or "24/7"
        try:
            hours.parse(text)
        except hours.HoursError as exc:
            raise Invalid(_("Opening hours: %(error)s. Write e.g. 'Mo-Fr 07:00-18:00; Sa,Su "
                            "09:00-15:00' or '24/7'.") % {"error": exc},
                          field="opening_hours") from None
        fields["opening_hours"] = text
    if "skills" in fields:
        skills = list(dict.fromkeys(fields["skills"]))
        unknown_skills = [s for s in skills if s not in settings.REFERRAL_SKILLS]
        if unknown_skills:
            raise Invalid(_("Unknown skill %(skill)s; use %(skills)s.")
                          % {"skill": unknown_skills[0],
                             "skills": ", ".join(settings.REFERRAL_SKILLS)}, field="skills")
        fields["skills"] = skills
    if "municipalities" in fields:
        names = [str(m).strip() for m in fields["municipalities"] if str(m).strip()]
        fields["municipalities"] = list(dict.fromkeys(names))
    if "capacity" in fields and not 0 <= int(fields["capacity"]) <= 50:
        raise Invalid(_("The capacity is 0 to 50 open referrals."), field="capacity")
    if "available" in fields and fields["available"] != profile.available:
        profile.available_changed_at = now
    for name, value in fields.items():
        setattr(profile, name, value)
    centre = (profile.centre_latitude, profile.centre_longitude, profile.radius_km)
    if any(v is None for v in centre) and any(v is not None for v in centre):
        raise Invalid(_("Give the area's centre point (latitude, longitude) and radius in km "
                        "together, or none of them."), field="radius_km")
    if profile.radius_km is not None and not 0.5 <= profile.radius_km <= 300:
        raise Invalid(_("The radius is 0.5 to 300 km."), field="radius_km")
    if profile.centre_latitude is not None and not (
            -90 <= profile.centre_latitude <= 90 and -180 <= profile.centre_longitude <= 180):
        raise Invalid(_("Latitude must be within -90..90 and longitude within -180..180."),
                      field="centre_latitude")
    profile.updated_at, profile.updated_by = now, by
    profile.save()
    from crews.streams import unit_stream
    from dispatch.streams import DISPATCH_STREAM

    data = _profile_event(profile)
    events_publish(events=[(unit_stream(unit.pk), "care_unit.updated", data),
                           (DISPATCH_STREAM, "care_unit.updated", data)])
    return profile
