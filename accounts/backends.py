from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .services import login_failure_record, login_locked_until, login_success_record


class LockoutModelBackend(ModelBackend):
    """Model backend that refuses a locked user name, even with the right password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.__class__.__name__, kwargs.get("username"))
        if username is None:
            return None
        if login_locked_until(username=username):
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username)
        else:
            login_success_record(username=username)
        return user
