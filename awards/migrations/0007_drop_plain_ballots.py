"""Drop the ballots held before the voting core (moved into it by 0006), the choices kept in clear
with them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("awards", "0006_move_to_voting_core")]

    operations = [
        migrations.DeleteModel(name="CastChoice"),
        migrations.DeleteModel(name="CastBallot"),
        migrations.DeleteModel(name="BallotVoter"),
        migrations.DeleteModel(name="CouncilCastChoice"),
        migrations.DeleteModel(name="CouncilCastBallot"),
        migrations.DeleteModel(name="CouncilVoter"),
    ]
