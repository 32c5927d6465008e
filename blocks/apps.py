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


class BlocksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blocks"
    verbose_name = _("Organisation registry")

    def ready(self) -> None:
        from blocks import benchmark, demo, home
        from blocks.imports import bench as import_bench
        from blocks.roles import read_roles
        from emulation import benchmark as benchmarks
        from emulation import demo as demo_data
        from emulation.home import register_section
        from emulation.otp import register_requirement
        from emulation.roles import register_loader

        register_section(home.my_blocks)
        demo_data.register(demo.RegistrySeeder)
        benchmarks.register_data(benchmark.RegistryData)
        benchmarks.register_pages(*benchmark.PAGES)
        benchmarks.register_case(import_bench.CASE)
        register_requirement(requires_two_factor)
        register_loader(read_roles)
