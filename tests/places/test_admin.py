"""The Django admin of places: an administrator moves a municipality to another region and
finds addresses."""

import pytest
from django.test import Client

from places.models import Address, Municipality

from .helpers import address_add, municipalities_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(demo):
    client = Client()
    client.force_login(demo.admin)
    return client


def test_an_administrator_moves_a_municipality_to_another_region(
        admin_client, demo, django_capture_on_commit_callbacks):
    m = municipalities_add()["1980"]
    address_add(m, "Stora torget", "1", locality="Västerås")
    # The addresses are refolded after the rename commits (places.services.addresses_refold).
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/places/municipality/{m.pk}/change/", {
            "code": "1980", "name": "Westerås", "region": demo.upp.pk})
    assert response.status_code == 302, response.content[:2000]
    m.refresh_from_db()
    assert (m.name, m.region.code) == ("Westerås", "UPP")
    assert Address.objects.get(street="Stora torget").folded == " stora torget vasteras westeras"


def test_the_address_list_searches(admin_client, demo):
    m = municipalities_add()["1980"]
    address_add(m, "Stora torget", "1", locality="Västerås")
    address_add(m, "Vasagatan", "2", locality="Västerås")
    response = admin_client.get("/admin/places/address/", {"q": "Vasagatan"})
    assert response.status_code == 200
    assert b"Vasagatan" in response.content and b"Stora torget" not in response.content
    assert admin_client.get("/admin/places/municipality/").status_code == 200
    assert Municipality.objects.count() == 4


def test_a_refold_interrupted_by_a_killed_process_is_redone_by_the_command(demo):
    import io

    from django.core.management import call_command

    m = municipalities_add()["1980"]
    for number in range(1, 4):
        address_add(m, "Stora torget", str(number), locality="Västerås")
    # The rename committed, the refold after it died before its batches ran.
    Municipality.objects.filter(pk=m.pk).update(name="Westerås")
    assert set(Address.objects.values_list("folded", flat=True)) == {" stora torget vasteras"}
    out = io.StringIO()
    call_command("refold_addresses", stdout=out)
    assert set(Address.objects.values_list("folded", flat=True)) == {
        " stora torget vasteras westeras"}
    assert "3 addresses refolded in 4 municipalities" in out.getvalue()
    out = io.StringIO()
    call_command("refold_addresses", stdout=out)
    assert out.getvalue().strip().startswith("0 addresses refolded")
