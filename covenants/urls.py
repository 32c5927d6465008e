from django.urls import path

from covenants import views

app_name = "covenants"

urlpatterns = [
    path("years/<id:pk>/documents/", views.document_list, name="document_list"),
    path("years/<id:pk>/documents/new/", views.document_create, name="document_create"),
    path("years/<id:pk>/documents/copy/", views.documents_copy, name="documents_copy"),
    path("years/<id:pk>/documents/consult/", views.documents_consult, name="documents_consult"),
    path("years/<id:pk>/documents/adopt/", views.documents_adopt, name="documents_adopt"),
    path("years/<id:pk>/registrations/", views.registration_list, name="registration_list"),
    path(
        "years/<id:pk>/registrations/<id:unit_pk>/",
        views.registration_edit,
        name="registration_edit",
    ),
    path("documents/<id:pk>/", views.document_detail, name="document_detail"),
    path("documents/<id:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<id:pk>/diff/", views.document_diff, name="document_diff"),
    path("documents/<id:pk>/consult/", views.document_consult, name="document_consult"),
    path("documents/<id:pk>/adopt/", views.document_adopt, name="document_adopt"),
    path("documents/<id:pk>/comments/new/", views.comment_create, name="comment_create"),
    path("comments/<id:pk>/answer/", views.comment_answer, name="comment_answer"),
    path("documents/<id:pk>/signing/open/", views.signing_open, name="signing_open"),
    path("documents/<id:pk>/sign/", views.covenant_sign, name="covenant_sign"),
    path("documents/<id:pk>/signatures/", views.signing_progress, name="signing_progress"),
    path("documents/<id:pk>/signatures/remind/", views.signing_remind, name="signing_remind"),
    path("documents/<id:pk>/signatures/paper/", views.paper_signature, name="paper_signature"),
    path("documents/<id:pk>/pdf/", views.covenant_pdf, name="covenant_pdf"),
    path("signatures/<id:pk>/scan/", views.signature_scan, name="signature_scan"),
    path(
        "council/<id:authority>/<int:year>/registrations/",
        views.council_registrations,
        name="council_registrations",
    ),
]
