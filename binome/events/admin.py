from django.contrib import admin

from binome.events.models import CompanyEvent, EventRegistration


class RegistrationInline(admin.TabularInline):
    model = EventRegistration
    extra = 0
    raw_id_fields = ["person", "registered_by"]


@admin.register(CompanyEvent)
class CompanyEventAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "territory", "kind", "starts_at", "capacity", "cancelled_at"]
    list_filter = ["territory", "kind", "format"]
    search_fields = ["title", "company__name"]
    raw_id_fields = ["company", "created_by", "cancelled_by"]
    inlines = [RegistrationInline]
