"""The stream each dispatcher's screen follows for their own follow-up news: `feedback.<user
id>`, told when their monthly feedback is ready."""

from accounts.models import Role
from accounts.roles import has_own_role
from realtime.schema import stream_name

FEEDBACK_KIND = "feedback"
FEEDBACK_READY = "feedback.ready"


def feedback_stream(user_id: int) -> str:
    return stream_name(FEEDBACK_KIND, int(user_id))


def may_follow_feedback(user, stream: str) -> bool:
    """Only the dispatcher the stream is for."""
    return stream == feedback_stream(user.pk)


def feedback_followed(user) -> list[str]:
    """A dispatcher's console follows their own (an administrator gets no monthly report)."""
    return [feedback_stream(user.pk)] if has_own_role(user, Role.DISPATCHER) else []
