from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, but the language is the visitor's explicit choice or Bahasa Indonesia.

    Django would follow the browser's Accept-Language header, so an official with an English-language browser
    would get English pages without asking. Here only the language switcher (its cookie) changes the language of
    pages. API clients choose theirs deliberately, so under ``/api/`` the Accept-Language header is followed.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
