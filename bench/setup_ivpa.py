"""IVPA benchmark data, run inside the cluster's environment:
`python bench/setup_ivpa.py SITES PER_SITE`.

Loads the IVPA demo (Västerås connected), sets Västerås's weekly cap to its maximum (50) and a
first wave of PER_SITE volunteers, and places PER_SITE volunteers around each of SITES case
positions in Västerås municipality, 7 km from Stora torget (where the demo's own volunteers
are) and 8 km or more from each other, so a wave at one site (1.8 km) alerts exactly that
site's volunteers. Each volunteer is signed in (a session: volunteers hold no API token).
Prints one JSON line:
{"dispatcher": token, "region": id, "sites": [{"latitude", "longitude",
  "volunteers": [{"token", "user"}, ...]}, ...]}

Why sites: a callout keeps its volunteers busy until it ends (the bench ends it after each
round, through the API), and no one is alerted more than the weekly cap (at most 50) in seven
days; rotating over SITES >= rounds / 45 sites keeps every volunteer under it, with no history
rewritten behind the product's back.
"""

import json
import math
import os
import random
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.sessions import session_cookie  # noqa: E402
from bench.setup_data import dispatcher_token  # noqa: E402
from crews.models import Region  # noqa: E402
from ivpa import geo  # noqa: E402
from ivpa.models import (  # noqa: E402
    Approval,
    Municipality,
    Responder,
    ResponderKind,
    Training,
)

STORA_TORGET = (59.6099, 16.5448)
SITE_DISTANCE_M = 7000


def offset(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    b = math.radians(bearing)
    return (lat + metres * math.cos(b) / geo.METRES_PER_DEGREE,
            lon + metres * math.sin(b) / (geo.METRES_PER_DEGREE * math.cos(math.radians(lat))))


def main(sites: int, per_site: int) -> None:
    call_command("seed_ivpa_demo", stdout=open(os.devnull, "w"))
    Municipality.objects.filter(name="Västerås").update(
        weekly_cap=50, wave_size=per_site, auto_alert=True, connected_at=timezone.now())
    rng = random.Random(7)
    now = timezone.now()
    password = make_password(None)
    out = []
    for s in range(sites):
        site = offset(*STORA_TORGET, SITE_DISTANCE_M, 360 * s / sites)
        volunteers = []
        for i in range(per_site):
            lat, lon = offset(*site, rng.uniform(200, 1200), rng.uniform(0, 360))
            lat, lon = geo.coarse(lat), geo.coarse(lon)
            user, _ = User.objects.get_or_create(
                username=f"benchivpa{s:02d}{i:03d}",
                defaults={"role": Role.RESPONDER, "display_name": f"Bench volontär {s}-{i}",
                          "password": password})
            Responder.objects.update_or_create(user=user, defaults={
                "kind": ResponderKind.VOLUNTEER, "training": Training.CPR_AED,
                "training_confirmed_at": now, "available": True, "available_changed_at": now,
                "latitude": lat, "longitude": lon, "position_at": now,
                "cell": geo.cell_of(lat, lon), "registered_at": now,
                "approval": Approval.APPROVED, "approved_at": now,
                "approved_until": timezone.localdate(now) + timedelta(days=365)})
            volunteers.append({"token": session_cookie(user), "user": user.pk})
        out.append({"latitude": round(site[0], 5), "longitude": round(site[1], 5),
                    "volunteers": volunteers})
    print(json.dumps({"dispatcher": dispatcher_token(),
                      "region": Region.objects.get(code="VML").pk, "sites": out}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
