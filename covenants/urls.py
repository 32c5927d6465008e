from django.urls import path

from covenants import views

app_name = "covenants"

urlpatterns = [
    path("years/<int:pk>/documents/", views.document_list, name="document_list"),
    path("years/<int:pk>/documents/new/", views.document_create, name="document_create"),
    path("years/<int:pk>/documents/copy/", views.documents_copy, name="documents_copy"),
    path("years/<int:pk>/documents/consult/", views.documents_consult, name="documents_consult"),
    path("years/<int:pk>/documents/adopt/", views.documents_adopt, name="documents_adopt"),
    path("years/<int:pk>/registrations/", views.registration_list, name="registration_list"),
    path(
        "years/<int:pk>/registrations/<int:unit_pk>/",
        views.registration_edit,
        name="registration_edit",
    ),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/diff/", views.document_diff, name="document_diff"),
    path("documents/<int:pk>/consult/", views.document_consult, name="document_consult"),
    path("documents/<int:pk>/adopt/", views.document_adopt, name="document_adopt"),
    path("documents/<int:pk>/comments/new/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/answer/", views.comment_answer, name="comment_answer"),
    path("documents/<int:pk>/signing/open/", views.signing_open, name="signing_open"),
    path("documents/<int:pk>/sign/", views.covenant_sign, name="covenant_sign"),
    path("documents/<int:pk>/signatures/", views.signing_progress, name="signing_progress"),
    path("documents/<int:pk>/signatures/remind/", views.signing_remind, name="signing_remind"),
    path("documents/<int:pk>/signatures/paper/", views.paper_signature, name="paper_signature"),
    path("documents/<int:pk>/pdf/", views.covenant_pdf, name="covenant_pdf"),
    path("signatures/<int:pk>/scan/", views.signature_scan, name="signature_scan"),
]
