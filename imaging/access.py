"""Recorded reads of caller images: fetch what a user is shown and write the access log in the
same call. An image of a wound is patient data: every view of an image, its record or its
bytes, is in the log (object `caller_image`); a case's links show the caller's number (a read
of the case).

Views answer from these functions, never from the plain selectors (tests/test_role_matrix.py
checks every route). The services record the changes they make (`images_record`,
`link_record`).
"""

from django.utils.translation import gettext as _

from audit.models import AccessAction
from audit.services import PatientRef, access_log_write
from core.errors import NotFound
from dispatch.access import cases_record
from dispatch.models import Assignment, Case

from . import storage
from .models import CallerImage, ImageLink
from .selectors import images_of_assignment, images_of_case, images_visible_to, links_of_case


def image_ref(image: CallerImage) -> PatientRef:
    case = image.case
    return PatientRef(patient=case.patient_key, case_ref=case.reference or "",
                      object_type="caller_image", object_id=str(image.pk))


def link_ref(link: ImageLink) -> PatientRef:
    case = link.case
    return PatientRef(patient=case.patient_key, case_ref=case.reference or "",
                      object_type="image_link", object_id=str(link.pk))


def images_record(*, user, images, reason: str, action: str = AccessAction.READ) -> None:
    """Record an access to images the caller already holds (a change a service made)."""
    access_log_write(user=user, refs=[image_ref(i) for i in images], reason=reason,
                     action=action)


def link_record(*, user, link: ImageLink, reason: str, action: str) -> None:
    """Record who sent or withdrew which link, to which number, for the case's patient."""
    access_log_write(user=user, refs=[link_ref(link)], reason=reason, action=action)


def links_of_case_recorded(*, user, case: Case, reason: str) -> list[ImageLink]:
    """A case's links with the numbers they were texted to: a read of the case."""
    links = list(links_of_case(case=case))
    cases_record(user=user, cases=[case], reason=reason)
    return links


def link_sent_by_recorded(*, user, case_id: int, reason: str) -> ImageLink | None:
    """The link `user` last sent for a case (the answer to a replayed send)."""
    link = links_of_case(case=case_id).filter(created_by=user).first()
    if link is not None:
        link_record(user=user, link=link, reason=reason, action=AccessAction.READ)
    return link


def images_of_case_recorded(*, user, case: Case, reason: str) -> list[CallerImage]:
    images = list(images_of_case(case=case))
    images_record(user=user, images=images, reason=reason)
    return images


def images_of_assignment_recorded(*, user, assignment: Assignment,
                                  reason: str) -> list[CallerImage]:
    """The images forwarded to an assignment (for its crew only while it is active)."""
    images = list(images_of_assignment(assignment=assignment, user=user))
    images_record(user=user, images=images, reason=reason)
    return images


def image_get_recorded(*, user, pk: int, reason: str) -> CallerImage:
    """One image's record, if `user` sees it."""
    image = images_visible_to(user=user).filter(pk=pk).first()
    if image is None:
        raise NotFound(_("No such image for you."))
    images_record(user=user, images=[image], reason=reason)
    return image


def image_file_open_recorded(*, user, image: CallerImage, variant: str, reason: str):
    """Open the bytes of a processed image (`display` or `thumbnail`) for `user`, who sees
    it. Raises OSError or ValueError when the file is missing (nothing is recorded then)."""
    relative = image.display_path if variant == "display" else image.thumbnail_path
    handle = storage.absolute(relative).open("rb")
    images_record(user=user, images=[image], reason=reason)
    return handle
