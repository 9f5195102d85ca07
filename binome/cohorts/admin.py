from django.contrib import admin

from binome.cohorts.models import Cohort, CurriculumItem, ProgrammeTemplate, Resource, Workshop


class CurriculumItemInline(admin.TabularInline):
    model = CurriculumItem
    extra = 0
    fields = ["offset_days", "kind", "title", "start_time", "duration_minutes", "audience"]
    show_change_link = True


class ResourceInline(admin.StackedInline):
    model = Resource
    extra = 0


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "duration_weeks", "is_default"]
    list_filter = ["territory"]
    inlines = [CurriculumItemInline]


@admin.register(CurriculumItem)
class CurriculumItemAdmin(admin.ModelAdmin):
    list_display = ["title", "template", "offset_days", "kind", "audience"]
    list_filter = ["template"]
    inlines = [ResourceInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "starts_on", "ends_on", "status", "template"]
    list_filter = ["territory", "status"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "starts_at", "status", "audience"]
    list_filter = ["status", "cohort__territory"]
    raw_id_fields = ["cohort", "item"]
