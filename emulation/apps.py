from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "emulation"
    verbose_name = _("Emulation (kernel)")

    def ready(self) -> None:
        from django.urls import register_converter

        from emulation.converters import IdConverter

        register_converter(IdConverter, "id")

        from emulation import lockout  # noqa: F401  (connects its signal receiver)
        from emulation.otp import register_requirement, site_administrator_requires_two_factor

        register_requirement(site_administrator_requires_two_factor)

        from emulation.home import register_section
        from emulation.operations import site_state

        register_section(site_state)
