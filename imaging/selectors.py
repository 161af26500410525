"""Queries on caller images. They record nothing: every view of an image (its record or its
bytes) goes through imaging/access.py, which writes the access log."""

from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import is_dispatcher
from crews.selectors import unit_of_user
from dispatch.models import ACTIVE_STATUSES

from .models import CallerImage, ImageLink


def image_queryset() -> QuerySet[CallerImage]:
    return CallerImage.objects.select_related("case", "link")


def images_of_case(*, case) -> QuerySet[CallerImage]:
    return image_queryset().filter(case=case)


def links_of_case(*, case) -> QuerySet[ImageLink]:
    return ImageLink.objects.select_related("sms").filter(case=case)


def images_visible_to(*, user) -> QuerySet[CallerImage]:
    """Dispatchers see every image; a crew member only the images forwarded to an assignment
    of the unit they are on now while that assignment is active (the tablet shows them with
    the current assignment): once the unit is free and sent to another case, the earlier
    case's images are no longer its crew's to see. Anyone else none."""
    qs = image_queryset()
    if is_dispatcher(user):
        return qs
    if user.role != Role.CREW:
        return qs.none()
    unit = unit_of_user(user=user)
    if unit is None:
        return qs.none()
    # One filter(): the unit and the status are of the same forward's assignment.
    return qs.filter(forwards__assignment__unit=unit,
                     forwards__assignment__status__in=ACTIVE_STATUSES).distinct()


def images_of_assignment(*, assignment, user=None) -> QuerySet[CallerImage]:
    """The images forwarded to an assignment; for a crew member (user given) only while the
    assignment is active, as in images_visible_to."""
    qs = image_queryset().filter(forwards__assignment=assignment).distinct()
    if user is not None and not is_dispatcher(user) and (
            assignment.status not in ACTIVE_STATUSES):
        return qs.none()
    return qs
