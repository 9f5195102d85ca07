from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "binome.audit"
    label = "audit"
