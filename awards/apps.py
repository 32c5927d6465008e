from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

COUNCIL_SEAT = "sits_on_council"


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from awards import benchmark, council_demo, dashboard, demo, home
        from blocks.dashboard import register_step
        from emulation import benchmark as benchmarks
        from emulation import demo as demo_data
        from emulation.home import register_section

        register_step(9, dashboard.ballot_step)
        register_step(10, dashboard.dossier_step)
        register_step(11, dashboard.council_step)
        register_step(12, dashboard.decision_step)
        register_section(home.my_tasks)
        demo_data.register(demo.AwardsSeeder)
        demo_data.register(council_demo.CouncilSeeder)
        benchmarks.register_data(benchmark.AwardsData)
        benchmarks.register_pages(*benchmark.PAGES)
        benchmarks.register_storms(*benchmark.STORMS)
        user_logged_in.connect(remember_council_seat, dispatch_uid="awards.council_seat")


def remember_council_seat(
    sender: object, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Whether the person sits on a council, kept in the session when they sign in, so that the
    navigation bar shows the council's link without a query on every page."""
    from blocks.models import CouncilRole

    if request is not None and hasattr(request, "session"):
        request.session[COUNCIL_SEAT] = CouncilRole.objects.filter(user=user).exists()
