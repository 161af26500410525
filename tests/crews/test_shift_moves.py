from crews.services import crew_join
from realtime.models import Event


def test_a_member_who_moves_to_another_unit_is_announced_as_gone_on_the_old_one(demo):
    crew_join(user=demo.sara, unit=demo.amb1020)

    left = Event.objects.filter(stream=f"unit.{demo.amb1010.pk}", type="crew.left")
    joined = Event.objects.filter(stream=f"unit.{demo.amb1020.pk}", type="crew.joined")
    assert [e.data["user"] for e in left] == [demo.sara.pk]
    assert [e.data["user"] for e in joined] == [demo.ali.pk, demo.sara.pk]  # ali: the fixture
    assert demo.sara.crew_shifts.filter(left_at__isnull=True).get().unit == demo.amb1020
