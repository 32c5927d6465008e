"""Move the ballots and council votes held before the voting core into it: each online one gets a
box; closed ones keep their voter roll, their receipts (so voters can still check them) and their
totals; the choices kept in clear are dropped with their tables (0007). A vote still open now had
its choices written in clear, so its secrecy cannot be restored: it is closed as void, says why,
and is held again by the secretariat or the council staff."""

from django.db import migrations
from django.utils import timezone

LEGACY = (
    "Open when sealed ballots were introduced: the votes already cast were not sealed, so the"
    " ballot is void and must be held again."
)


def forwards(apps, schema_editor):
    Box = apps.get_model("awards", "BallotBox")
    RollEntry = apps.get_model("awards", "RollEntry")
    Sealed = apps.get_model("awards", "SealedBallot")
    Ballot = apps.get_model("awards", "Ballot")
    Candidate = apps.get_model("awards", "BallotCandidate")
    Voter = apps.get_model("awards", "BallotVoter")
    Cast = apps.get_model("awards", "CastBallot")
    Session = apps.get_model("awards", "CouncilSession")
    Item = apps.get_model("awards", "AgendaItem")
    Nomination = apps.get_model("awards", "Nomination")
    CouncilVoter = apps.get_model("awards", "CouncilVoter")
    CouncilCast = apps.get_model("awards", "CouncilCastBallot")
    now = timezone.now()

    def box_for(scope, status, opened_at):
        state = {"draft": "preparing", "open": "void", "closed": "counted"}[status]
        return Box.objects.create(
            receipt_scope=scope,
            state=state,
            opened_at=opened_at,
            counted_at=now if state == "counted" else None,
            void="legacy" if state == "void" else "",
            void_reason=LEGACY if state == "void" else "",
        )

    for ballot in Ballot.objects.filter(method="online"):
        box = box_for(str(ballot.pk), ballot.status, ballot.opened_at)
        RollEntry.objects.bulk_create(
            RollEntry(box=box, unit_id=v.unit_id, voted_by_id=v.voted_by_id, voted_at=v.voted_at)
            for v in Voter.objects.filter(ballot=ballot)
        )
        Sealed.objects.bulk_create(
            Sealed(box=box, receipt_sha256=c.receipt_sha256)
            for c in Cast.objects.filter(ballot=ballot)
        )
        ballot.box = box
        if ballot.status == "open":
            cast = RollEntry.objects.filter(box=box).count()
            Candidate.objects.filter(ballot=ballot).update(
                approvals=None, disapprovals=None, elected=False, outcome="void"
            )
            ballot.status, ballot.closed_at, ballot.cast = "closed", now, cast
            ballot.quorum_reached = False
        ballot.save()

    for session in Session.objects.filter(method="online"):
        box = box_for(f"council:{session.pk}", session.status, session.opened_at)
        RollEntry.objects.bulk_create(
            RollEntry(box=box, voted_by_id=v.user_id, voted_at=v.voted_at)
            for v in CouncilVoter.objects.filter(session=session)
        )
        Sealed.objects.bulk_create(
            Sealed(box=box, receipt_sha256=c.receipt_sha256)
            for c in CouncilCast.objects.filter(session=session)
        )
        session.box = box
        if session.status == "open":
            items = Item.objects.filter(session=session)
            Nomination.objects.filter(
                pk__in=items.values("nomination"), status="scheduled"
            ).update(status="appraised")
            items.update(
                approvals=None, disapprovals=None, outcome="void", note=LEGACY, note_en=LEGACY
            )
            session.status, session.closed_at = "closed", now
            session.cast = RollEntry.objects.filter(box=box).count()
            session.quorum_reached = False
        session.save()


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_voting_core")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
