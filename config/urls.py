from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from binome.accounts.admin_site import restrict_admin_to_national_admins
from binome.portals.views.home import set_language

restrict_admin_to_national_admins(admin.site)

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("reference/", include("binome.reference.urls")),
    path("", include("binome.portals.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
