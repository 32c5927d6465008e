from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from emulation.models import User


def requires_two_factor(user: User) -> bool:
    """Council staff and members of an authority that requires two-factor sign-in, and leaders of
    its units, must sign in with it (the kernel asks through `emulation.otp.two_factor_required`)."""
    from blocks.models import CouncilRole, UnitRole

    return (
        CouncilRole.objects.filter(user=user, authority__require_two_factor=True).exists()
        or UnitRole.objects.filter(
            user=user, role=UnitRole.Role.LEADER, unit__authority__require_two_factor=True
        ).exists()
    )


def _roles_changed(**kwargs: object) -> None:
    from emulation.memo import forget

    forget()


class BlocksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blocks"
    verbose_name = _("Organisation registry")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from blocks import demo, home
        from blocks.models import CouncilRole, UnitRole
        from emulation import demo as demo_data
        from emulation.home import register_section
        from emulation.otp import register_requirement

        for model in (CouncilRole, UnitRole):  # the rules' memo of a person's roles
            post_save.connect(_roles_changed, sender=model, dispatch_uid=f"memo-{model.__name__}")
            post_delete.connect(_roles_changed, sender=model, dispatch_uid=f"memo-{model.__name__}")
        register_section(home.my_blocks)
        demo_data.register(demo.RegistrySeeder)
        register_requirement(requires_two_factor)
