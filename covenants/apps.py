from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CovenantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "covenants"
    verbose_name = _("Documents and covenant")

    def ready(self) -> None:
        from blocks.dashboard import register_steps
        from blocks.services import follow_deadline
        from covenants import benchmark, dashboard, demo, home, records, services
        from emulation import benchmark as benchmarks
        from emulation import demo as demo_data
        from emulation import records as checks
        from emulation.home import register_section

        register_steps(dashboard.steps)
        register_section(home.my_tasks)
        follow_deadline("signing_deadline", services.follow_signing_deadline)
        demo_data.register(demo.DocumentSeeder)
        benchmarks.register_data(benchmark.CovenantData)
        benchmarks.register_pages(*benchmark.PAGES)
        benchmarks.register_storms(*benchmark.STORMS)
        benchmarks.register_pdf(benchmark.PDF)
        checks.register(records.signatures)
