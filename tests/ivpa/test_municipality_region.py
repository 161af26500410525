"""IVPA's municipalities take their region from the municipality → region table (places), the
one home of a municipality's region."""

from ivpa.models import Municipality
from places.models import Municipality as PlaceMunicipality


def test_moving_a_municipality_to_another_region_moves_its_ivpa_settings(demo, ivpa):
    place = PlaceMunicipality.objects.create(code=ivpa.sala.code, name="Sala", region=demo.vml)
    place.region = demo.upp
    place.save()
    ivpa.sala.refresh_from_db()
    assert ivpa.sala.region == demo.upp
    assert Municipality.objects.get(code=ivpa.vasteras.code).region == demo.vml


def test_an_ivpa_municipality_takes_the_tables_region_whatever_its_form_said(demo, ivpa):
    PlaceMunicipality.objects.create(code="0488", name="Trosa", region=demo.srm)
    created = Municipality.objects.create(code="0488", name="Trosa", region=demo.vml)
    created.refresh_from_db()
    assert created.region == demo.srm


def test_a_municipality_the_table_does_not_know_keeps_the_region_chosen(demo, ivpa):
    created = Municipality.objects.create(code="2580", name="Luleå", region=demo.upp)
    created.refresh_from_db()
    assert created.region == demo.upp
