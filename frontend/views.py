from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role


class SignInView(LoginView):
    template_name = "frontend/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except PermissionDenied:
            form = self.get_form()
            form.add_error(None, "locked")
            return self.render_to_response(self.get_context_data(form=form, locked=True),
                                           status=429)


@login_required
def home(request):
    if request.user.role == Role.CREW:
        return redirect("crew")
    if request.user.role in (Role.DISPATCHER, Role.ADMIN) or request.user.is_superuser:
        return redirect("console")
    return render(request, "frontend/placeholder.html")


@require_POST
def sign_out(request):
    logout(request)
    return redirect("login")


def _require(request, *roles):
    if not (request.user.is_superuser or request.user.role in roles):
        raise PermissionDenied


@login_required
def console(request):
    _require(request, Role.DISPATCHER, Role.ADMIN)
    return render(request, "frontend/console.html", {"map_tile_url": settings.MAP_TILE_URL})


@login_required
def crew(request):
    _require(request, Role.CREW)
    return render(request, "frontend/crew.html")
