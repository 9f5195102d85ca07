from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from binome.accounts.admin_site import restrict_admin_to_national_admins
from binome.portals.views.language import set_language

restrict_admin_to_national_admins(admin.site)

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("reference/", include("binome.reference.urls")),
    path("", include("binome.portals.urls")),
    path("", include("binome.portals.urls.pairing")),
    path("", include("binome.portals.urls.meetings")),
    path("", include("binome.portals.urls.cohorts")),
    path("", include("binome.portals.urls.surveys")),
    path("", include("binome.portals.urls.impact")),
    path("", include("binome.portals.urls.sponsorship")),
    path("", include("binome.portals.urls.events")),
    path("", include("binome.portals.urls.privacy")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
