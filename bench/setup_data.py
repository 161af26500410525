"""Benchmark data, run inside the cluster's environment: `python bench/setup_data.py N`.

Creates N bench units (Region Västmanland) and N crew members, each joined to one unit, plus
API tokens for them and for the dispatcher `anna`. Prints one JSON line:
{"dispatcher": token, "region": id, "crews": [{"token": ..., "unit": id}, ...]}
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import User  # noqa: E402
from crews.models import Region, Station, Unit, UnitKind  # noqa: E402
from crews.services import crew_join  # noqa: E402


def main(count: int) -> None:
    region = Region.objects.get(code="VML")
    station = Station.objects.filter(region=region).first()
    password = make_password(None)
    crews = []
    for i in range(1, count + 1):
        unit, _ = Unit.objects.get_or_create(
            call_sign=f"BENCH {i:04d}",
            defaults={"kind": UnitKind.AMBULANCE, "region": region, "home_station": station,
                      "latitude": station.latitude, "longitude": station.longitude},
        )
        user, _ = User.objects.get_or_create(
            username=f"benchcrew{i:04d}",
            defaults={"role": "crew", "display_name": f"Bench crew {i}", "password": password},
        )
        crew_join(user=user, unit=unit)
        token, _ = Token.objects.get_or_create(user=user)
        crews.append({"token": token.key, "unit": unit.pk})
    dispatcher, _ = Token.objects.get_or_create(user=User.objects.get(username="anna"))
    print(json.dumps({"dispatcher": dispatcher.key, "region": region.pk, "crews": crews}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
