"""The language of a page: the visitor's on the public pages, German (or English) in the office.

The public pages for residents (marked with ``quartier.decorators.resident_page``: the front door, an area's page
and its legal texts, the funds and the application form, the applicant's private link, the committees' pages) are
offered in every language of ``LANGUAGES``: the one the visitor chose with the switch in the page's header
(remembered in Django's language cookie), else the first their browser asks for (``Accept-Language``) that is
offered, else German.

Every other page is the office's: German, or English for someone who chose English with the switch; never a
language the office's catalogue is not complete in (``OFFICE_LANGUAGES``), whatever the browser asks for. Mails
do not follow the page: each service writes its mails in the language of whom it writes to (the applicant's,
``fonds.models.Application.language``; a committee member's, ``committees.models.Membership.mail_language``;
German for the office).

No URL changes with the language: one page, one address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from quartier.decorators import public_view

#: Each language named in itself, for the switch.
NATIVE_NAMES: dict[str, str] = {"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية"}


def public_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def office_languages() -> list[str]:
    return list(settings.OFFICE_LANGUAGES)


def chosen_language(request: HttpRequest) -> str | None:
    """The language the visitor chose with the switch, if it is one of ours."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in public_languages() else None


def visitor_language(request: HttpRequest) -> str:
    """The language of a public page: the one chosen, else the browser's first offered, else German."""
    chosen = chosen_language(request)
    if chosen:
        return chosen
    # Django reads Accept-Language against LANGUAGES (and the cookie, checked above).
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


def office_language(request: HttpRequest) -> str:
    """The language of an office page: English if chosen, else German (the browser's wish does not count)."""
    chosen = chosen_language(request)
    return chosen if chosen in office_languages() else settings.LANGUAGE_CODE


def is_resident_page(request: HttpRequest, view: Callable[..., HttpResponse]) -> bool:
    if not getattr(view, "resident_page", False):
        return False
    # The front page of a signed-in user is the office's (``quartier.views.home``).
    user = getattr(request, "user", None)
    return not (getattr(view, "signed_in_part", False) and user is not None and user.is_authenticated)


class LanguageMiddleware:
    """Activate the office's language for the request, and the visitor's once the view is known to be a public
    page for residents; restore the language that was active before when the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = translation.get_language()
        language = office_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            if before is None:
                translation.deactivate_all()
            else:
                translation.activate(before)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)  # type: ignore[attr-defined]
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> None:
        if is_resident_page(request, view):
            language = visitor_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
            request.resident_page = True  # type: ignore[attr-defined]


def language_choices(request: HttpRequest) -> list[dict[str, object]]:
    """The switch's buttons: every language on a public page for residents, the office's elsewhere."""
    codes = public_languages() if getattr(request, "resident_page", False) else office_languages()
    current = translation.get_language()
    return [{"code": code, "name": NATIVE_NAMES[code], "current": code == current} for code in codes]


@public_view
@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """The switch: remember the language chosen (a language we do not offer is ignored) and go back to the page it
    was chosen on (only on this site; anything else goes to the front page)."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    code = request.POST.get("language", "")
    if code in public_languages():
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
