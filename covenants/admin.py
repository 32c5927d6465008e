from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from covenants.models import Comment, Document, DocumentVersion, Registration, Signature


class VersionInline(admin.StackedInline):
    model = DocumentVersion
    extra = 0
    readonly_fields = ["number", "sha256", "created_by", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "block_year"]
    list_filter = ["kind", "status"]
    readonly_fields = ["status", "in_force_version"]  # statuses change only through the services
    inlines = [VersionInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["unit", "version", "answer", "created_at"]
    readonly_fields = ["answer", "answered_by", "answered_at"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["unit", "block_year", "updated_at"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    """Signatures are evidence: read-only."""

    list_display = ["unit_name", "version", "signer_name", "method", "signed_at"]
    list_filter = ["method"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
