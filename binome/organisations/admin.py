from django.contrib import admin

from binome.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "size_band"]
    list_filter = ["kind", "territory", "size_band"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["sector", "city"]
