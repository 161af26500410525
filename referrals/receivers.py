"""Referrals react to dispatch (dispatch does not know referrals): a case closed while its
referral still waits for an answer withdraws the referral. In a savepoint: if it fails, the
dispatcher's close still stands and the referral stays open on the console."""

import logging

from django.db import transaction
from django.dispatch import receiver

from dispatch import signals

from . import services

logger = logging.getLogger(__name__)


@receiver(signals.case_closed, dispatch_uid="referrals.case_closed")
def on_case_closed(sender, case, **kwargs) -> None:
    try:
        with transaction.atomic():
            services.referral_withdraw_for_closed_case(case=case)
    except Exception:
        logger.exception("Could not withdraw the open referral of %s", case)
