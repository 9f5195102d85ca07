from django.contrib import admin

from binome.people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Read-mostly: personal data is edited in the staff pages, which audit every write."""

    list_display = ["last_name", "first_name", "territory"]
    list_filter = ["territory"]
    search_fields = ["first_name", "last_name", "email"]
    readonly_fields = [f.name for f in Person._meta.fields]
