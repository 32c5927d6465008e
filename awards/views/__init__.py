"""Screens of the awards app: ballots (`ballots`), nominations and the dossier (`dossiers`), next
year's hand-over (`handover`); the council's intake and appraisal (`intake`), sessions and their
secret votes (`sessions`), decisions and certificates (`decisions`), statistics (`statistics`) and
the public results (`public`). Each module lists its own URLs.

Seeing follows `BlockYear.objects.for_user` (404 outside it); acting needs a permission from
`awards.rules` (403). Views parse, authorise, call one service and redirect with a message.
"""
