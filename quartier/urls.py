from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from quartier import health, languages, public, views
from quartier.decorators import public_view
from quartier.forms import LoginForm, NewPasswordForm
from quartier.models import LegalKind
from reporting.views import report_overview

admin.site.site_header = _("Quartier administration")
admin.site.site_title = _("Quartier")
admin.site.index_title = _("Areas, users and roles")

account_patterns = [
    path(
        "anmelden/",
        public_view(auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)),
        name="login",
    ),
    path("anmelden/code/", views.two_factor_verify, name="two_factor_verify"),
    path("abmelden/", public_view(auth_views.LogoutView.as_view()), name="logout"),
    path("sicherheit/", views.two_factor_setup, name="two_factor_setup"),
    path("benachrichtigungen/", views.mail_choices, name="mail_choices"),
    path("passwort/vergessen/", public_view(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path(
        "passwort/vergessen/gesendet/",
        public_view(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "passwort/neu/<uidb64>/<token>/",
        public_view(auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm)),
        name="password_reset_confirm",
    ),
    path(
        "passwort/neu/fertig/",
        public_view(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

area_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.area_edit, name="area_edit"),
    path("profil/rechtliches/neu/", views.legal_text_new, name="legal_text_new"),
    path("profil/rechtliches/<int:legal_text_pk>/", views.legal_text_edit, name="legal_text_edit"),
    path("verlauf/", views.area_history, name="area_history"),
    path("verlauf/<str:model>/<str:object_pk>/", views.object_history_view, name="object_history"),
    path("", include("actors.urls")),
    path("", include("committees.views.office")),
    path("", include("committees.views.meetings")),
    path("", include("committees.views.ballots")),
    path("", include("committees.views.minutes")),
    path("", include("fonds.views.office")),
    path("", include("fonds.views.letters")),
    path("", include("isek.views")),
    path("", include("reporting.views")),
    path("", include("activation.urls")),
]

# The legal texts: the installation's, and each area's (its own, else the installation's), linked from the footer of
# every page (templates/includes/legal_links.html) and from mails (templates/includes/legal_links.txt).
legal_patterns = [
    path("impressum/", public.legal_page, {"kind": LegalKind.IMPRINT}, name="imprint"),
    path("datenschutz/", public.legal_page, {"kind": LegalKind.PRIVACY}, name="privacy"),
    path("barrierefreiheit/", public.legal_page, {"kind": LegalKind.ACCESSIBILITY}, name="accessibility"),
    path("oeffentlich/<slug:slug>/impressum/", public.legal_page, {"kind": LegalKind.IMPRINT}, name="area_imprint"),
    path("oeffentlich/<slug:slug>/datenschutz/", public.legal_page, {"kind": LegalKind.PRIVACY}, name="area_privacy"),
    path(
        "oeffentlich/<slug:slug>/barrierefreiheit/",
        public.legal_page,
        {"kind": LegalKind.ACCESSIBILITY},
        name="area_accessibility",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    *legal_patterns,
    path("oeffentlich/<slug:slug>/", public.public_area, name="public_area"),
    path("gebiet/", views.area_switch, name="area_switch"),
    path("gebiet/<slug:slug>/", include(area_patterns)),
    path("konto/", include(account_patterns)),
    path("sprache/", languages.language_choose, name="set_language"),
    path("abstimmungen/", include("committees.views.members")),
    path("abstimmungen/", include("fonds.views.juror")),
    path("oeffentlich/", include("committees.views.public")),
    path("kalender/", include("committees.views.calendar")),
    path("oeffentlich/", include("fonds.views.public")),
    path("oeffentlich/", include("activation.public_urls")),
    path("antrag/", include("fonds.views.applicant")),
    path("berichte/uebersicht/", report_overview, name="report_overview"),
    path("oparl/v1/", include("committees.oparl.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
