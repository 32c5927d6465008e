from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlocksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blocks"
    verbose_name = _("Organisation registry")

    def ready(self) -> None:
        from blocks import home
        from emulation.home import register_section

        register_section(home.my_blocks)
