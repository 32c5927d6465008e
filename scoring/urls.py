from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("years/<int:pk>/criteria/", views.criteria_detail, name="criteria_detail"),
    path("years/<int:pk>/criteria/import/", views.criteria_import, name="criteria_import"),
    path(
        "years/<int:pk>/criteria/export.xlsx",
        views.criteria_export_xlsx,
        name="criteria_export_xlsx",
    ),
    path(
        "years/<int:pk>/criteria/export.csv", views.criteria_export_csv, name="criteria_export_csv"
    ),
    path("years/<int:pk>/criteria/copy/", views.criteria_copy, name="criteria_copy"),
    path("years/<int:pk>/criteria/settings/", views.criteria_settings, name="criteria_settings"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("years/<int:pk>/assessment/", views.assessment_overview, name="assessment_overview"),
    path("years/<int:pk>/assessment/open/", views.assessment_open, name="assessment_open"),
    path(
        "years/<int:pk>/assessment/send/",
        views.assessment_send_unchanged,
        name="assessment_send_unchanged",
    ),
    path(
        "years/<int:pk>/assessment/finalise/",
        views.assessment_finalise_settled,
        name="assessment_finalise_settled",
    ),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/submit/", views.sheet_submit, name="sheet_submit"),
    path("sheets/<int:pk>/reopen/", views.sheet_reopen, name="sheet_reopen"),
    path("sheets/<int:pk>/reviewer/", views.sheet_reviewer, name="sheet_reviewer"),
    path("sheets/<int:pk>/review/", views.sheet_review, name="sheet_review"),
    path("sheets/<int:pk>/send/", views.sheet_send, name="sheet_send"),
    path("sheets/<int:pk>/accept/", views.sheet_accept, name="sheet_accept"),
    path("sheets/<int:pk>/respond/", views.sheet_respond, name="sheet_respond"),
    path("sheets/<int:pk>/finalise/", views.sheet_finalise, name="sheet_finalise"),
    path("scores/<int:pk>/", views.score_save, name="score_save"),
    path("scores/<int:pk>/review/", views.score_review, name="score_review"),
    path("scores/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("years/<int:pk>/ranking/", views.ranking_detail, name="ranking_detail"),
    path("years/<int:pk>/ranking/publish/", views.ranking_publish, name="ranking_publish"),
    path("years/<int:pk>/ranking/export.xlsx", views.ranking_export, name="ranking_export"),
    path("years/<int:pk>/ranking/explain/", views.ranking_explain, name="ranking_explain"),
    path("years/<int:pk>/ranking/units/<int:unit_pk>/", views.ranking_unit, name="ranking_unit"),
]
