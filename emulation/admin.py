"""The kernel's admin, and the rule every admin follows: a record whose changes matter is either
read-only here (`ReadOnly`: it changes only through the apps' services) or its admin writes an
audit event for every addition, change and deletion (`Audited`). The models of installed
packages that the admin may change (groups, lockout records, two-factor devices) are registered
again here, audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models.query import QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from emulation import audit
from emulation.models import AuditEvent, IssuedDocument, User

# Never copied into the audit log: a password (or its hash), a device's key, a recovery token.
SECRET_FIELDS = ("password", "key", "token", "secret")
HIDDEN = "(hidden)"


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


def _is_secret(name: str) -> bool:
    return any(part in name for part in SECRET_FIELDS)


def _value(value: Any) -> Any:
    if isinstance(value, QuerySet):
        return sorted(item.pk for item in value)
    if isinstance(value, list | tuple) and all(isinstance(v, models.Model) for v in value):
        return sorted(item.pk for item in value)
    return value


def _values(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: HIDDEN if _is_secret(name) else _value(values.get(name)) for name in names}


def _row(obj: models.Model) -> dict[str, Any]:
    """Every stored field of a row (secrets hidden), for an addition or a deletion."""
    return {
        field.attname: HIDDEN if _is_secret(field.name) else getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
    }


def _form_changes(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    names = list(form.changed_data)
    return _values(form.initial, names), _values(form.cleaned_data, names)


def _action(obj: models.Model, what: str) -> str:
    return f"admin.{obj._meta.label_lower}.{what}"


class Audited:
    """Mixed into a model admin: every addition, change and deletion made through it (its inlines
    included) is recorded in the audit log, in the same transaction, with who made it and the
    values before and after (secrets hidden)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            if change:
                before, after = _form_changes(form)
                if after:
                    audit.record(
                        _action(obj, "changed"),
                        actor=request.user,  # type: ignore[arg-type]
                        obj=obj,
                        before=before,
                        after=after,
                    )
            else:
                audit.record(
                    _action(obj, "added"),
                    actor=request.user,  # type: ignore[arg-type]
                    obj=obj,
                    after=_row(obj),
                )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        actor: Any = request.user
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                audit.record(
                    _action(deleted.instance, "deleted"),
                    actor=actor,
                    obj=deleted.instance,
                    before=_row(deleted.instance),
                )
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for added in formset.new_objects:
            audit.record(_action(added, "added"), actor=actor, obj=added, after=_row(added))
        forms = {id(f.instance): f for f in formset.forms}
        for changed, _names in formset.changed_objects:
            before, after = _form_changes(forms[id(changed)])
            audit.record(
                _action(changed, "changed"), actor=actor, obj=changed, before=before, after=after
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit.record(
                _action(obj, "deleted"),
                actor=request.user,  # type: ignore[arg-type]
                obj=obj,
                before=_row(obj),
            )
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit.record(
                    _action(obj, "deleted"),
                    actor=request.user,  # type: ignore[arg-type]
                    obj=obj,
                    before=_row(obj),
                )
            super().delete_queryset(request, queryset)  # type: ignore[misc]


@admin.register(User)
class UserAdmin(Audited, BaseUserAdmin):
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

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                person = self.get_object(request, id)
                audit.record(
                    "admin.emulation.user.password_changed",
                    actor=request.user,  # type: ignore[arg-type]
                    obj=person,
                )
        return response


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

    list_display = ["code", "kind", "title", "issuer_name", "issued_at", "issued_by", "state"]
    list_filter = ["state", "kind"]
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


# Installed packages' models the admin may change: registered again, audited.
for model, base in (
    (Group, BaseGroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (TOTPDevice, TOTPDeviceAdmin),
    (StaticDevice, StaticDeviceAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (Audited, base), {}))
