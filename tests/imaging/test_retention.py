"""Retention: the files of a closed case's images go after IMAGING_RETENTION_DAYS; the row stays
as the record that there was an image, and asking for it says it was deleted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.models import Case
from dispatch.services import case_close
from imaging import services, storage
from imaging.models import CallerImage
from imaging.timers import ensure_purge_scheduled
from timers.models import Timer, TimerState
from timers.services import fire_due_timers

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(caller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image_id = caller.upload().json()["id"]
    return CallerImage.objects.get(pk=image_id)


def files_of(image) -> list:
    return [storage.absolute(p) for p in (image.display_path, image.thumbnail_path)]


def closed_days_ago(demo, case, days: int) -> None:
    case_close(case=case, by=demo.anna)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days))


def test_images_of_a_case_closed_past_the_retention_are_deleted_and_a_record_kept(
        demo, api, image):
    paths = files_of(image)
    assert all(p.exists() for p in paths)
    closed_days_ago(demo, image.case, 31)
    assert services.images_purge() == 1
    assert not any(p.exists() for p in paths)
    image.refresh_from_db()
    assert image.deleted_at is not None and image.state == "ready"
    assert (image.display_path, image.thumbnail_path, image.original_path) == ("", "", "")
    record = api(demo.anna).get(f"/api/imaging/images/{image.pk}/").json()
    assert record["deleted_at"] and record["display_url"] is None
    gone = api(demo.anna).get(f"/api/imaging/images/{image.pk}/display")
    assert gone.status_code == 410 and "retention" in gone.json()["detail"]
    assert services.images_purge() == 0


def test_images_of_an_open_or_recently_closed_case_are_kept(demo, image, new_case):
    assert services.images_purge() == 0
    closed_days_ago(demo, image.case, 29)
    assert services.images_purge() == 0
    assert all(p.exists() for p in files_of(image))
    assert services.images_purge(now=timezone.now() + timedelta(days=2)) == 1


def test_the_purge_runs_daily_from_a_stored_timer(demo, image):
    ensure_purge_scheduled()
    timer = Timer.objects.get(kind=services.PURGE_TIMER, state=TimerState.PENDING)
    closed_days_ago(demo, image.case, 40)
    fire_due_timers(now=timer.due_at + timedelta(seconds=1))
    image.refresh_from_db()
    assert image.deleted_at is not None
    assert Timer.objects.filter(kind=services.PURGE_TIMER, state=TimerState.PENDING).count() == 1


def test_past_the_retention_a_link_keeps_who_sent_it_when_but_not_the_callers_whole_number(
        demo, api, image, sent_link, new_case):
    from audit.models import AccessLogEntry
    from imaging.models import ImageLink

    link = image.link
    other_link, _token = sent_link(case=new_case(), phone="070-765 43 21")  # an open case
    closed_days_ago(demo, image.case, 29)
    services.images_purge()
    link.refresh_from_db()
    assert link.phone == "+46701234567"  # inside the retention: the whole number
    Case.objects.filter(pk=image.case_id).update(closed_at=timezone.now() - timedelta(days=31))
    services.images_purge()
    link.refresh_from_db()
    assert link.phone == "+46•••••••67" and link.phone_masked == link.phone
    assert (link.created_by, link.case_id, link.images_received) == (demo.anna, image.case_id, 1)
    assert AccessLogEntry.objects.filter(object_type="image_link", object_id=str(link.pk),
                                         username="anna", action="create").exists()
    listed = api(demo.anna).get(f"/api/imaging/cases/{image.case_id}/links/").json()
    assert [entry["phone"] for entry in listed] == ["+46•••••••67"]
    assert "+46701234567" not in str(list(ImageLink.objects.values_list("phone", flat=True)))
    other_link.refresh_from_db()
    assert other_link.phone == "+46707654321"  # the open case's link is untouched
    assert services.links_mask_phone(cutoff=timezone.now()) == 0  # masked once
    link.refresh_from_db()
    assert link.phone == "+46•••••••67"
    # A link that brought no image is masked all the same once its case is past retention.
    closed_days_ago(demo, other_link.case, 31)
    assert services.images_purge() == 0
    other_link.refresh_from_db()
    assert other_link.phone == "+46•••••••21"
