"""The demo's address generator: writes demo_addresses.csv beside it, the demo's address register
(*adressregister*) that `seed_places_demo` loads.

Real street names of the demo towns, each street laid out from where it starts (for the larger
towns about where the street really is, numbered from the centre outwards as Swedish streets
are), odd numbers on one side, even on the other, a pair every 15 m; a few numbers have the
letters A and B. Positions are approximate, postcodes plausible, not Lantmäteriet's. A real
centre imports Lantmäteriet's address data (belägenhetsadresser) or OpenAddresses instead.

Deterministic and standard library only: running it again rewrites the CSV byte for byte
(tests/places/test_demo_data.py checks). Run: `python places/data/generate_demo_addresses.py`.
"""

import csv
import hashlib
import io
import math
from pathlib import Path

TARGET = Path(__file__).with_name("demo_addresses.csv")
HEADER = ["street", "number", "letter", "postcode", "locality", "municipality_code",
          "latitude", "longitude"]
PAIR_SPACING_M = 15.0
SIDE_OFFSET_M = 9.0
METRES_PER_DEGREE = 111_320.0

# "= locality; municipality code; centre latitude longitude" starts a town. A street is either
# "name; postcode; start latitude longitude; bearing (degrees from north); highest number" or,
# where only the town's centre is known, "name; postcode; highest number": the street is then
# placed near the centre (within about 500 m) in a direction drawn from its name.
TOWNS = """
= Västerås; 1980; 59.6106 16.5446
Stora torget; 72215; 59.6106 16.5446; 90; 8
Fiskartorget; 72215; 59.6104 16.5432; 180; 4
Centralplan; 72214; 59.6075 16.5515; 90; 4
Djäknegatan; 72215; 59.6129 16.5448; 90; 20
Vasagatan; 72215; 59.6095 16.5465; 0; 26
Stora gatan; 72211; 59.6108 16.5400; 90; 38
Kopparbergsvägen; 72213; 59.6140 16.5410; 340; 66
Sigurdsgatan; 72130; 59.6175 16.5350; 90; 32
Köpingsvägen; 72133; 59.6125 16.5330; 285; 54
Malmabergsgatan; 72216; 59.6180 16.5290; 0; 22
Kungsgatan; 72211; 59.6092 16.5400; 85; 22
Slottsgatan; 72211; 59.6100 16.5425; 180; 12
Smedjegatan; 72211; 59.6113 16.5465; 90; 16
Karlsgatan; 72212; 59.6118 16.5495; 90; 22
Sturegatan; 72212; 59.6140 16.5470; 90; 22
Biskopsgatan; 72215; 59.6140 16.5435; 0; 20
Östra Ringvägen; 72213; 59.6100 16.5570; 0; 48
Västra Ringvägen; 72214; 59.6110 16.5320; 0; 48
Norra Ringvägen; 72217; 59.6200 16.5420; 90; 38
Södra Ringvägen; 72218; 59.6065 16.5400; 80; 32
Skultunavägen; 72217; 59.6220 16.5460; 0; 44
Stockholmsvägen; 72338; 59.6125 16.5560; 75; 54
Emausvägen; 72341; 59.6160 16.5700; 60; 32
Hamngatan; 72211; 59.6045 16.5480; 180; 8

= Sala; 1981; 59.9207 16.6050
Stora torget; 73330; 59.9207 16.6050; 90; 8
Rådhusgatan; 73330; 59.9205 16.6070; 0; 22
Norrmalmsgatan; 73331; 59.9230 16.6060; 0; 26
Gruvgatan; 73336; 59.9195 16.6010; 240; 26
Fredsgatan; 73330; 59.9215 16.6030; 90; 16
Västra Esplanaden; 73332; 59.9190 16.6000; 0; 32
Östra Esplanaden; 73333; 59.9190 16.6110; 0; 32
Bergmansgatan; 73334; 59.9180 16.6050; 90; 22
Drottninggatan; 73330; 59.9200 16.6060; 180; 16
Kungsgatan; 73335; 59.9210 16.6090; 0; 22
Storgatan; 73330; 59.9205 16.6040; 90; 22
Skolgatan; 73337; 59.9225 16.6025; 90; 16

= Köping; 1983; 59.5140 15.9926
Stora torget; 73130; 59.5140 15.9926; 90; 8
Östra Långgatan; 73132; 59.5135 15.9950; 60; 32
Västra Långgatan; 73131; 59.5140 15.9900; 250; 32
Glasgatan; 73130; 59.5150 15.9930; 0; 22
Nygatan; 73133; 59.5160 15.9960; 90; 22
Torggatan; 73130; 59.5145 15.9920; 0; 16
Hultgrensgatan; 73134; 59.5170 15.9910; 0; 22
Barnhemsgatan; 73132; 59.5130 15.9980; 90; 16
Östermalmsgatan; 73137; 59.5165 16.0020; 90; 26
Ringvägen; 73136; 59.5185 15.9950; 80; 44
Scheelegatan; 73133; 59.5155 15.9945; 60; 16
Kungsgatan; 73135; 59.5175 15.9990; 0; 22
Strandgatan; 73131; 59.5130 15.9940; 200; 20

= Arboga; 1984; 59.3937 15.8390
Nygatan; 73230; 40
Storgatan; 73230; 30
Västerlånggatan; 73231; 30
Järntorget; 73230; 8
Kapellgatan; 73232; 20

= Fagersta; 1982; 60.0045 15.7935
Västanforsgatan; 73730; 40
Vasagatan; 73731; 30
Skolgatan; 73732; 20
Norbergsvägen; 73733; 40

= Hallstahammar; 1961; 59.6135 16.2280
Västeråsvägen; 73430; 40
Kolbäcksvägen; 73431; 40
Skolgatan; 73432; 20
Ringvägen; 73433; 30

= Kungsör; 1960; 59.4225 16.0975
Drottninggatan; 73630; 30
Kungsgatan; 73631; 30
Skolgatan; 73632; 20

= Surahammar; 1907; 59.7095 16.2195
Köpingsvägen; 73530; 30
Kyrkvägen; 73531; 20
Skolgatan; 73532; 20

= Norberg; 1962; 60.0650 15.9250
Storgatan; 73830; 30
Kyrkogatan; 73831; 20
Skolgatan; 73832; 20

= Skinnskatteberg; 1904; 59.8300 15.6920
Kyrkogatan; 73930; 20
Skolvägen; 73931; 20

= Uppsala; 0380; 59.8586 17.6389
Stora torget; 75320; 59.8586 17.6389; 90; 6
Fyristorg; 75310; 59.8584 17.6375; 0; 6
Dragarbrunnsgatan; 75320; 59.8557 17.6410; 0; 38
Kungsgatan; 75321; 59.8540 17.6450; 0; 48
Svartbäcksgatan; 75320; 59.8605 17.6385; 345; 54
S:t Olofsgatan; 75321; 59.8597 17.6340; 80; 32
Vaksalagatan; 75320; 59.8593 17.6420; 70; 54
Drottninggatan; 75310; 59.8575 17.6380; 250; 12
Sysslomansgatan; 75311; 59.8605 17.6340; 330; 32
Övre Slottsgatan; 75310; 59.8575 17.6345; 200; 16
S:t Persgatan; 75320; 59.8578 17.6395; 90; 12
S:t Johannesgatan; 75312; 59.8605 17.6300; 0; 26
Bredgränd; 75320; 59.8590 17.6400; 90; 12
Smedsgränd; 75320; 59.8598 17.6405; 90; 10
Kungsängsgatan; 75322; 59.8565 17.6430; 180; 38
Väderkvarnsgatan; 75329; 59.8560 17.6490; 10; 44
Stationsgatan; 75340; 59.8570 17.6465; 90; 20
Storgatan; 75331; 59.8615 17.6430; 0; 22
Salagatan; 75330; 59.8640 17.6420; 70; 32
Skolgatan; 75312; 59.8620 17.6330; 280; 32
Luthagsesplanaden; 75319; 59.8625 17.6290; 280; 44
Gamla Uppsalagatan; 75334; 59.8680 17.6400; 0; 66
Råbyvägen; 75323; 59.8640 17.6520; 45; 66
Norrtäljegatan; 75327; 59.8620 17.6560; 30; 32
Dag Hammarskjölds väg; 75237; 59.8520 17.6330; 190; 66
Kungsängsvägen; 75323; 59.8500 17.6470; 160; 44

= Enköping; 0381; 59.6365 17.0770
Stora torget; 74530; 59.6365 17.0770; 90; 8
Kungsgatan; 74531; 59.6355 17.0790; 60; 32
Rådhusgatan; 74530; 59.6368 17.0760; 0; 16
Munksundsgatan; 74532; 59.6350 17.0740; 200; 22
Torggatan; 74530; 59.6372 17.0780; 90; 16
Källgatan; 74531; 59.6375 17.0740; 0; 16
Stockholmsvägen; 74537; 59.6340 17.0830; 100; 44
Åkerbergsgatan; 74533; 59.6385 17.0800; 0; 22
Fältgatan; 74534; 59.6395 17.0760; 90; 22
Rådmansgatan; 74535; 59.6360 17.0810; 0; 16
Kryddgårdsgatan; 74536; 59.6400 17.0700; 300; 22

= Tierp; 0360; 60.3454 17.5150
Centralgatan; 81530; 60.3455 17.5130; 0; 26
Storgatan; 81531; 60.3440 17.5150; 90; 22
Kyrkogatan; 81532; 60.3470 17.5110; 0; 16
Stationsgatan; 81530; 60.3450 17.5170; 90; 20
Järnvägsgatan; 81533; 60.3430 17.5180; 0; 22
Torggatan; 81530; 60.3458 17.5140; 90; 20
Skolgatan; 81535; 60.3480 17.5140; 90; 16
Gävlevägen; 81537; 60.3500 17.5120; 10; 32
Uppsalavägen; 81538; 60.3410 17.5160; 190; 32

= Bålsta; 0305; 59.5685 17.5295
Stockholmsvägen; 74630; 40
Centrumleden; 74631; 30
Björkvägen; 74632; 20

= Knivsta; 0330; 59.7265 17.7890
Centralvägen; 74130; 30
Stationsgatan; 74131; 20
Ängbyvägen; 74132; 30

= Heby; 0331; 59.9385 16.8645
Centralgatan; 74431; 30
Stationsvägen; 74432; 20

= Östhammar; 0382; 60.2585 18.3725
Köpmangatan; 74231; 20
Storgatan; 74231; 30
Skolgatan; 74232; 20

= Skutskär; 0319; 60.6270 17.4130
Skolgatan; 81430; 20
Kyrkogatan; 81431; 20

= Eskilstuna; 0484; 59.3710 16.5098
Fristadstorget; 63220; 59.3710 16.5098; 90; 10
Kungsgatan; 63220; 59.3700 16.5030; 90; 32
Drottninggatan; 63220; 59.3716 16.5030; 90; 32
Hamngatan; 63220; 59.3690 16.5115; 180; 16
Rademachergatan; 63220; 59.3740 16.5070; 330; 16
Nygatan; 63221; 59.3722 16.5080; 0; 22
Köpmangatan; 63222; 59.3728 16.5060; 90; 16
Tullgatan; 63226; 59.3730 16.5135; 0; 22
Kyrkogatan; 63219; 59.3745 16.5090; 0; 22
Gillbergsgatan; 63225; 59.3690 16.5130; 150; 26
Mälargatan; 63229; 59.3760 16.5150; 0; 32
Klostergatan; 63220; 59.3740 16.5030; 270; 22
Nybrogatan; 63220; 59.3700 16.5120; 90; 16
Strandgatan; 63220; 59.3705 16.5135; 0; 16

= Katrineholm; 0483; 58.9959 16.2072
Drottninggatan; 64130; 58.9965 16.2060; 90; 26
Storgatan; 64130; 58.9975 16.2050; 90; 22
Vasavägen; 64131; 58.9990 16.2090; 0; 32
Djulögatan; 64132; 58.9940 16.2120; 150; 32
Köpmangatan; 64130; 58.9965 16.2080; 0; 16
Stationsgatan; 64130; 58.9955 16.2060; 90; 20
Trädgårdsgatan; 64135; 58.9980 16.2020; 0; 22
Fredsgatan; 64136; 58.9985 16.2100; 90; 16
Linnégatan; 64137; 59.0000 16.2000; 90; 16
Oppundavägen; 64139; 58.9920 16.2000; 200; 22
Kungsgatan; 64130; 58.9950 16.2040; 90; 16

= Nyköping; 0480; 58.7533 17.0070
Stora torget; 61130; 58.7533 17.0070; 90; 8
Västra Storgatan; 61131; 58.7535 17.0060; 270; 32
Östra Storgatan; 61134; 58.7530 17.0085; 90; 32
Fruängsgatan; 61131; 58.7520 17.0020; 180; 16
Brunnsgatan; 61132; 58.7545 17.0040; 0; 22
Repslagaregatan; 61132; 58.7555 17.0080; 0; 22
Nygatan; 61132; 58.7545 17.0080; 90; 16
Östra Kvarngatan; 61130; 58.7538 17.0110; 0; 16
Västra Kvarngatan; 61130; 58.7538 17.0095; 0; 16
Bagaregatan; 61131; 58.7540 17.0055; 0; 16
Hospitalsgatan; 61131; 58.7548 17.0015; 90; 16
Folkungavägen; 61133; 58.7580 17.0050; 0; 32
Stockholmsvägen; 61135; 58.7560 17.0150; 60; 44
Östra Rundgatan; 61137; 58.7550 17.0180; 0; 22
Västra Trädgårdsgatan; 61131; 58.7528 17.0035; 0; 16
Kungsgatan; 61132; 58.7565 17.0090; 0; 22

= Strängnäs; 0486; 59.3775 17.0320
Trädgårdsgatan; 64530; 59.3760 17.0300; 200; 22
Storgatan; 64530; 59.3772 17.0310; 270; 16
Nygatan; 64531; 59.3765 17.0320; 90; 16
Källgatan; 64532; 59.3755 17.0290; 180; 16
Västerviksvägen; 64535; 59.3720 17.0250; 225; 32
Mariefredsvägen; 64534; 59.3710 17.0340; 150; 32
Lundgatan; 64533; 59.3740 17.0310; 0; 16
Östra Strandvägen; 64530; 59.3778 17.0345; 160; 20
Eskilstunavägen; 64536; 59.3735 17.0200; 250; 32

= Flen; 0482; 59.0570 16.5880
Drottninggatan; 64230; 30
Storgatan; 64231; 30
Stationsgatan; 64232; 20

= Vingåker; 0428; 59.0435 15.8730
Storgatan; 64330; 30
Stationsgatan; 64331; 20

= Gnesta; 0461; 59.0485 17.3105
Storgatan; 64630; 30
Stationsgatan; 64631; 20

= Oxelösund; 0481; 58.6700 17.1010
Stationsgatan; 61330; 20
Skolgatan; 61331; 20

= Trosa; 0488; 58.8960 17.5490
Västra Långgatan; 61930; 30
Östra Långgatan; 61931; 30
Skolgatan; 61932; 20
"""


def drawn(*parts: object) -> int:
    """A number drawn from the parts' names: the same every run, on every Python."""
    text = "|".join(str(part) for part in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def moved(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point `metres` from (lat, lon) towards `bearing` (degrees from north)."""
    north = metres * math.cos(math.radians(bearing))
    east = metres * math.sin(math.radians(bearing))
    return (lat + north / METRES_PER_DEGREE,
            lon + east / (METRES_PER_DEGREE * math.cos(math.radians(lat))))


def street_parse(fields: list[str], locality: str, centre: tuple[float, float]) -> tuple:
    """(name, postcode, start, bearing, highest number) of a street line."""
    if len(fields) == 5:
        name, postcode, start, bearing, highest = fields
        lat, lon = (float(value) for value in start.split())
        return name, postcode, (lat, lon), float(bearing), int(highest)
    name, postcode, highest = fields
    seed = drawn(locality, name)
    start = moved(*centre, 80 + seed % 220, seed // 7 % 360)
    return name, postcode, start, float(seed // 2557 % 12 * 30), int(highest)


def street_rows(name, postcode, start, bearing, highest, locality, code) -> list[list[str]]:
    """The street's numbers 1..highest; a few past 12 split into A and B."""
    rows = []
    for number in range(1, highest + 1):
        along = (number - 1) // 2 * PAIR_SPACING_M
        side = bearing + (90 if number % 2 else -90)
        lat, lon = moved(*moved(*start, along, bearing), SIDE_OFFSET_M, side)
        lettered = number > 12 and drawn(locality, name, number) % 19 == 0
        for index, letter in enumerate(["A", "B"] if lettered else [""]):
            point = moved(lat, lon, index * 4.0, bearing)
            rows.append([name, str(number), letter, postcode, locality, code,
                         f"{point[0]:.6f}", f"{point[1]:.6f}"])
    return rows


def rows_build() -> list[list[str]]:
    """Every row of the demo set, in a stable order (municipality, street, number, letter)."""
    rows: list[list[str]] = []
    locality = code = ""
    centre = (0.0, 0.0)
    for line in TOWNS.splitlines():
        if not line.strip():
            continue
        fields = [field.strip() for field in line.lstrip("= ").split(";")]
        if line.startswith("="):
            locality, code = fields[0], fields[1]
            lat, lon = (float(value) for value in fields[2].split())
            centre = (lat, lon)
            continue
        rows += street_rows(*street_parse(fields, locality, centre), locality, code)
    rows.sort(key=lambda row: (row[5], row[4], row[0], int(row[1]), row[2]))
    return rows


def csv_render(rows: list[list[str]]) -> str:
    """The CSV text: UTF-8, a header, `\\n` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    rows = rows_build()
    TARGET.write_text(csv_render(rows), encoding="utf-8", newline="")
    print(f"Wrote {len(rows)} addresses to {TARGET.name}.")


if __name__ == "__main__":
    main()
