from awards.views import ballots, dossiers, handover

app_name = "awards"

urlpatterns = ballots.urlpatterns + dossiers.urlpatterns + handover.urlpatterns
