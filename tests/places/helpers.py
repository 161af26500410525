"""Small registers for the places tests (no demo files needed)."""

from crews.models import Region
from places.models import Address, Hospital, Municipality

# (code, name, region code) for the tests' municipalities.
MUNICIPALITIES = [("1980", "Västerås", "VML"), ("0381", "Enköping", "UPP"),
                  ("0380", "Uppsala", "UPP"), ("0180", "Stockholm", "SLL")]
POSITIONS = {"Västerås": (59.6099, 16.5448), "Enköping": (59.6361, 17.0777),
             "Uppsala": (59.8586, 17.6389), "Stockholm": (59.3293, 18.0686),
             "Skultuna": (59.7167, 16.4333)}


def municipalities_add() -> dict[str, Municipality]:
    found = {}
    for code, name, region_code in MUNICIPALITIES:
        region, _ = Region.objects.get_or_create(code=region_code,
                                                 defaults={"name": f"Region {region_code}"})
        found[code], _ = Municipality.objects.get_or_create(
            code=code, defaults={"name": name, "region": region})
    return found


def address_add(municipality, street, number, letter="", *, locality="", postcode=""):
    latitude, longitude = POSITIONS.get(locality, (59.6, 16.5))
    # Numbers a few metres apart, so the nearest address is well defined.
    offset = (int(number) if number.isdigit() else 0) * 0.00002 + (0.00001 if letter else 0)
    return Address.objects.create(
        municipality=municipality, street=street, number=number, letter=letter,
        locality=locality, postcode=postcode, latitude=latitude + offset, longitude=longitude)


# (name, short name, municipality code, latitude, longitude, emergency): hospitals around
# Västerås and Uppsala for the hospital tests.
HOSPITALS = [
    ("Västmanlands sjukhus Västerås", "Västerås sjukhus", "1980", 59.6168, 16.5573, True),
    ("Lasarettet i Enköping", "Enköpings lasarett", "0381", 59.6386, 17.0690, True),
    ("Akademiska sjukhuset", "Akademiska", "0380", 59.8486, 17.6381, True),
    ("Skultuna närakut", "", "1980", 59.7167, 16.4333, False),
]


def hospitals_add() -> dict[str, Hospital]:
    municipalities = municipalities_add()
    return {name: Hospital.objects.get_or_create(
        name=name, defaults={"short_name": short, "municipality": municipalities[code],
                             "latitude": lat, "longitude": lon, "emergency": emergency})[0]
            for name, short, code, lat, lon, emergency in HOSPITALS}
