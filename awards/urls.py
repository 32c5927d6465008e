from awards.views import (
    archive,
    ballots,
    decisions,
    dossiers,
    handover,
    history,
    intake,
    proposals,
    public,
    sessions,
    statistics,
    submissions,
    voting,
)

app_name = "awards"

urlpatterns = (
    ballots.urlpatterns
    + dossiers.urlpatterns
    + handover.urlpatterns
    + intake.urlpatterns
    + sessions.urlpatterns
    + decisions.urlpatterns
    + submissions.urlpatterns
    + statistics.urlpatterns
    + archive.urlpatterns
    + public.urlpatterns
    + voting.urlpatterns
    + history.urlpatterns
    + proposals.urlpatterns
)
