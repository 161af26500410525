"""Benchmark data, run inside the cluster's environment: `python bench/setup_data.py N`.

Creates N bench units (Region Västmanland) and N crew members, each joined to one unit and
signed in (a session, as their tablets are: a crew holds no API token), plus an API token for
the dispatcher `anna`. Prints one JSON line:
{"dispatcher": token, "region": id, "crews": [{"token": "sessionid=...", "unit": id}, ...]}
(bench.clients sends a "name=value" credential as a cookie, any other as a token.)
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import api_token_issue  # noqa: E402
from bench.sessions import session_cookie  # noqa: E402
from crews.models import Region, Station, Unit, UnitKind  # noqa: E402
from crews.services import crew_join  # noqa: E402


def dispatcher_token() -> str:
    _token, key = api_token_issue(user=User.objects.get(username="anna"), label="bench")
    return key


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
        crews.append({"token": session_cookie(user), "unit": unit.pk})
    print(json.dumps({"dispatcher": dispatcher_token(), "region": region.pk, "crews": crews}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
