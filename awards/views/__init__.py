"""Screens of the awards app: ballots (`ballots`), nominations and the dossier (`dossiers`), and
next year's hand-over (`handover`). Each module lists its own URLs.

Seeing follows `BlockYear.objects.for_user` (404 outside it); acting needs a permission from
`awards.rules` (403). Views parse, authorise, call one service and redirect with a message.
"""
