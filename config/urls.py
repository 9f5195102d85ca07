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
    path("", include("binome.portals.urls_matching")),
    path("", include("binome.portals.urls_duos")),
    path("", include("binome.portals.urls_programmes")),
    path("", include("binome.portals.urls_surveys")),
    path("", include("binome.portals.urls_impact")),
    path("", include("binome.portals.urls_sponsorship")),
    path("", include("binome.portals.urls_events")),
    path("", include("binome.portals.urls_privacy")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
