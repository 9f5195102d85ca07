from django.contrib import admin

from binome.reference.models import Occupation, Place, Sector


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    search_fields = ["code", "label"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    search_fields = ["code", "label"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name", "region", "population"]
