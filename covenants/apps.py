from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CovenantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "covenants"
    verbose_name = _("Covenants")
