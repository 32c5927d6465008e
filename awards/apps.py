from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from awards import benchmark, council_demo, dashboard, demo, home
        from blocks.dashboard import register_steps
        from emulation import benchmark as benchmarks
        from emulation import demo as demo_data
        from emulation.home import register_section

        # Ballots and all that follows them wait for the published ranking (step 8).
        register_steps(dashboard.steps, after=8, waiting=dashboard.waiting_steps)
        register_section(home.my_tasks)
        demo_data.register(demo.AwardsSeeder)
        demo_data.register(council_demo.CouncilSeeder)
        benchmarks.register_data(benchmark.AwardsData)
        benchmarks.register_pages(*benchmark.PAGES)
        benchmarks.register_storms(*benchmark.STORMS)
