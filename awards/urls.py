from awards.views import (
    ballots,
    decisions,
    dossiers,
    handover,
    intake,
    public,
    sessions,
    statistics,
)

app_name = "awards"

urlpatterns = (
    ballots.urlpatterns
    + dossiers.urlpatterns
    + handover.urlpatterns
    + intake.urlpatterns
    + sessions.urlpatterns
    + decisions.urlpatterns
    + statistics.urlpatterns
    + public.urlpatterns
)
