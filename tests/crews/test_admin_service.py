"""An administrator takes a unit out of service in the Django admin: the reason is required,
and the consoles hear of it (the change goes through crews.services.unit_service_set)."""

from django.forms.models import model_to_dict

from crews.models import Unit
from realtime.models import Event


def change(client, unit, **fields) -> object:
    data = {k: v for k, v in model_to_dict(unit).items() if v is not None}
    data["capabilities"] = '["als"]'
    data.update(fields)
    return client.post(f"/admin/crews/unit/{unit.pk}/change/", data)


def test_out_of_service_in_the_admin_needs_a_reason_and_reaches_the_console(demo, client):
    client.force_login(demo.admin)
    refused = change(client, demo.amb1020, in_service="", service_note="")
    assert refused.status_code == 200  # the form again, with the error
    assert Unit.objects.get(pk=demo.amb1020.pk).in_service is True

    saved = change(client, demo.amb1020, in_service="", service_note="Verkstad")
    assert saved.status_code == 302
    unit = Unit.objects.get(pk=demo.amb1020.pk)
    assert (unit.in_service, unit.service_note) == (False, "Verkstad")
    assert unit.service_changed_at is not None
    event = Event.objects.filter(stream="units", type="unit.updated").last()
    assert event.data["call_sign"] == "AMB 1020" and event.data["in_service"] is False
