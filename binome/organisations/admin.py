from django.contrib import admin

from binome.organisations.models import CompanyRelation, Contact, Organisation, PartnerAgreement


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "size_band"]
    list_filter = ["kind", "territory", "size_band"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["sector", "city"]


@admin.register(CompanyRelation)
class CompanyRelationAdmin(admin.ModelAdmin):
    list_display = ["company", "stage", "next_action_on"]
    list_filter = ["stage", "company__territory"]
    search_fields = ["company__name"]
    raw_id_fields = ["company"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["organisation"]


@admin.register(PartnerAgreement)
class PartnerAgreementAdmin(admin.ModelAdmin):
    list_display = ["partner", "purpose", "starts_on", "ends_on", "signed_on"]
    raw_id_fields = ["partner"]
