"""The centre works in Swedish whatever language a browser asks for: only an explicit choice
(the language cookie set by /i18n/setlang/) switches the UI and the API's messages."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import check_for_language


class ChosenLanguageMiddleware:
    """Runs after LocaleMiddleware and undoes its Accept-Language guess."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not (chosen and check_for_language(chosen)):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
