"""The year's documents, comments, registrations and signatures in the admin, read-only: they
change only through `covenants.services`, which refuses to change an archived year and writes
the audit log (signatures are evidence besides)."""

from django.contrib import admin

from covenants.models import Comment, Document, DocumentVersion, Registration, Signature
from emulation.admin import ReadOnly


class VersionInline(ReadOnly, admin.StackedInline):
    model = DocumentVersion
    extra = 0


@admin.register(Document)
class DocumentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "status", "block_year"]
    list_filter = ["kind", "status"]
    inlines = [VersionInline]


@admin.register(Comment)
class CommentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["unit", "version", "answer", "created_at"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["unit", "block_year", "updated_at"]


@admin.register(Signature)
class SignatureAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["unit_name", "version", "signer_name", "method", "signed_at"]
    list_filter = ["method"]
