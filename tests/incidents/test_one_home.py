"""Rules and words the screens show have one home: the METHANE fields' words come from
incidents.methane on the console and TiB's phone, the pledge count's limit from the pledges'
service on the link page, the regions with their pledges from one selector."""

from frontend.strings.incidents import methane as console_methane
from frontend.strings.tib import tib
from incidents.methane import FIELDS, field_label


def test_the_screens_take_the_methane_fields_words_from_the_template():
    for words in (console_methane(), tib()["methane"]):
        for name in FIELDS:
            assert words[name].endswith(field_label(name)), (name, words[name])



def test_the_pledges_api_and_the_printed_report_list_the_regions_alike(demo, api):
    from frontend.incident_report import _regions
    from incidents.models import AlarmRegion
    from incidents.selectors.timeline import incident_timeline
    from tests.incidents.report_helpers import incident_make

    incident = incident_make(demo)
    AlarmRegion.objects.create(code="TDAL", name="Region Dalarna", sort_order=2)
    AlarmRegion.objects.create(code="TORE", name="Region Örebro", sort_order=1)
    listed = api(demo.anna).get(f"/api/incidents/{incident.pk}/pledges/").json()["regions"]
    printed = _regions(incident, incident_timeline(incident=incident))
    assert [r["name"] for r in listed] == [r["name"] for r in printed]
    names = [r["name"] for r in listed]
    assert names.index("Region Örebro") < names.index("Region Dalarna")
