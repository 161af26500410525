"""What dispatch tells the slices built on it (first responders, images), so the core never
imports them. Sent inside the service's transaction: a receiver's writes commit or roll back
with the change that caused them, and a receiver that must not break the dispatcher's action
guards itself with a savepoint."""

from django.dispatch import Signal

# case: the registered Case.
case_registered = Signal()
# case: the Case after the change; changed: the names of the fields whose value changed.
case_updated = Signal()
# case: the closed Case.
case_closed = Signal()
# assignment: the Assignment in its new status.
assignment_status_changed = Signal()
