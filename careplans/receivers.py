"""What careplans does when dispatch registers or changes a case: keep the caller's number in
E.164 (CaseCaller), so that the person's earlier cases are found by their number with an index.
In the service's transaction: the row commits or rolls back with the case."""

from django.dispatch import receiver

from dispatch import signals

from .services import case_caller_index


@receiver(signals.case_registered, dispatch_uid="careplans.case_registered")
def on_case_registered(sender, case, **kwargs) -> None:
    case_caller_index(case=case, new=True)


@receiver(signals.case_updated, dispatch_uid="careplans.case_updated")
def on_case_updated(sender, case, changed, **kwargs) -> None:
    if "caller_number" in changed:
        case_caller_index(case=case)
