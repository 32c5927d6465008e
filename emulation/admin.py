from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from emulation.models import AuditEvent, IssuedDocument, User


class ReadOnly:
    """Shown, never changed, in the admin: these records change only through the apps' services,
    which check their guards (an archived year is read-only for everyone) and write the audit
    log. Mixed into a model admin or an inline."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "password1", "password2"),
            },
        ),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is read-only everywhere, the admin included."""

    list_display = ["seq", "created_at", "actor_label", "action", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr", "actor_label", "reason"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Issued documents are stored once, as generated: read-only here too."""

    list_display = ["code", "kind", "title", "issuer_name", "issued_at", "issued_by"]
    list_filter = ["kind"]
    search_fields = ["code", "title", "issuer_name", "sha256"]
    list_select_related = ["issued_by"]
    # The stored path, not a link: media files are never served from the web root.
    fields = readonly_fields = (
        *(f.name for f in IssuedDocument._meta.fields if f.name not in {"id", "file"}),
        "stored_file",
    )

    @admin.display(description=_("file"))
    def stored_file(self, obj: IssuedDocument) -> str:
        return obj.file.name or ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
