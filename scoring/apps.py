from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from blocks.dashboard import register_steps
        from blocks.services import follow_deadline
        from blocks.unit_years import register_year_results
        from emulation import benchmark as benchmarks
        from emulation import demo as demo_data
        from emulation import records as checks
        from emulation.home import register_section
        from scoring import benchmark, dashboard, demo, home, records, services, unit_years

        register_steps(dashboard.steps)
        register_section(home.my_tasks)
        follow_deadline("self_assessment_deadline", services.follow_self_assessment_deadline)
        demo_data.register(demo.ScoringSeeder)
        benchmarks.register_data(benchmark.ScoringData)
        benchmarks.register_pages(*benchmark.PAGES)
        benchmarks.register_storms(*benchmark.STORMS)
        checks.register(records.final_scores, records.rankings)
        register_year_results(unit_years.published_ranks)
