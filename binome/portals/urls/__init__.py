"""The portals' URLs: each domain app's pages in binome/portals/urls/<app>.py, under that app's
namespace (`sourcing:screening_board`); the home page of each audience, common to every domain,
keeps a plain name (`home`, `mentor_portal`, ...).

Every app is included at "": the paths people see are written in full in each app's module."""

from django.urls import URLPattern, URLResolver, include, path

from binome.portals.views import home

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("company/", home.company, name="company_portal"),
    path("mentor/", home.mentor, name="mentor_portal"),
    path("mentee/", home.mentee, name="mentee_portal"),
    path("partner/", home.partner, name="partner_portal"),
    path("funder/", home.funder, name="funder_portal"),
    path("", include("binome.portals.urls.accounts")),
    path("", include("binome.portals.urls.cohorts")),
    path("", include("binome.portals.urls.events")),
    path("", include("binome.portals.urls.impact")),
    path("", include("binome.portals.urls.meetings")),
    path("", include("binome.portals.urls.organisations")),
    path("", include("binome.portals.urls.pairing")),
    path("", include("binome.portals.urls.people")),
    path("", include("binome.portals.urls.privacy")),
    path("", include("binome.portals.urls.sourcing")),
    path("", include("binome.portals.urls.sponsorship")),
    path("", include("binome.portals.urls.surveys")),
    path("", include("binome.portals.urls.territories")),
]
