import pytest

from dispatch import services
from dispatch.models import Assignment

from .helpers import PATH_TO


@pytest.fixture
def dispatched(demo, new_case):
    """dispatched(status="alerted", unit=amb1010, case=None) -> an assignment in that status.

    The assignment is created by anna and walked along the normal path by sara (or anna for
    "cancelled"), so every timestamp on the way is set as in real use.
    """

    def make(status="alerted", unit=None, case=None, **case_fields) -> Assignment:
        unit = unit or demo.amb1010
        case = case or new_case(**case_fields)
        [assignment] = services.assignment_dispatch(case=case, units=[unit], by=demo.anna)
        crew = {demo.amb1010.pk: demo.sara, demo.amb3010.pk: demo.johan}.get(unit.pk, demo.anna)
        for step in PATH_TO[status]:
            actor = demo.anna if step == "cancelled" else crew
            assignment = services.assignment_status_change(
                assignment=assignment, status=step, by=actor
            )
        return Assignment.objects.select_related("case", "unit").get(pk=assignment.pk)

    return make
