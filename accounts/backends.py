from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .services import client_address, login_failure_record, login_refusal, login_success_record


class LockoutModelBackend(ModelBackend):
    """Model backend that counts failures by name and address (accounts.services.lockout)
    and refuses, before the password is checked, a name that must wait at this address or
    an address that is shut out. The refusal is left on the request (`login_refusal`) for
    the view to tell: django.contrib.auth.authenticate() swallows the PermissionDenied. A
    service account never signs in with a password."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_service_account

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.__class__.__name__, kwargs.get("username"))
        if username is None:
            return None
        address = client_address(request)
        refusal = login_refusal(username=username, address=address)
        if refusal is None:
            user = super().authenticate(request, username=username, password=password,
                                        **kwargs)
            if user is not None:
                login_success_record(username=username, address=address)
                return user
            login_failure_record(username=username, address=address)
            refusal = login_refusal(username=username, address=address)
        if request is not None:
            request.login_refusal = refusal
        if refusal is not None:
            raise PermissionDenied("locked")
        return None
