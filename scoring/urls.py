from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("years/<id:pk>/criteria/", views.criteria_detail, name="criteria_detail"),
    path("years/<id:pk>/criteria/import/", views.criteria_import, name="criteria_import"),
    path(
        "years/<id:pk>/criteria/export.xlsx",
        views.criteria_export_xlsx,
        name="criteria_export_xlsx",
    ),
    path(
        "years/<id:pk>/criteria/export.csv", views.criteria_export_csv, name="criteria_export_csv"
    ),
    path("years/<id:pk>/criteria/copy/", views.criteria_copy, name="criteria_copy"),
    path("years/<id:pk>/criteria/settings/", views.criteria_settings, name="criteria_settings"),
    path("criteria/<id:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("years/<id:pk>/assessment/", views.assessment_overview, name="assessment_overview"),
    path("years/<id:pk>/assessment/open/", views.assessment_open, name="assessment_open"),
    path(
        "years/<id:pk>/assessment/send/",
        views.assessment_send_unchanged,
        name="assessment_send_unchanged",
    ),
    path(
        "years/<id:pk>/assessment/finalise/",
        views.assessment_finalise_settled,
        name="assessment_finalise_settled",
    ),
    path("sheets/<id:pk>/", views.sheet_detail, name="sheet_detail"),
    path("sheets/<id:pk>/submit/", views.sheet_submit, name="sheet_submit"),
    path("sheets/<id:pk>/reopen/", views.sheet_reopen, name="sheet_reopen"),
    path("sheets/<id:pk>/reviewer/", views.sheet_reviewer, name="sheet_reviewer"),
    path("sheets/<id:pk>/review/", views.sheet_review, name="sheet_review"),
    path("sheets/<id:pk>/send/", views.sheet_send, name="sheet_send"),
    path("sheets/<id:pk>/accept/", views.sheet_accept, name="sheet_accept"),
    path("sheets/<id:pk>/respond/", views.sheet_respond, name="sheet_respond"),
    path("sheets/<id:pk>/finalise/", views.sheet_finalise, name="sheet_finalise"),
    path("scores/<id:pk>/", views.score_save, name="score_save"),
    path("scores/<id:pk>/review/", views.score_review, name="score_review"),
    path("scores/<id:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<id:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<id:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("years/<id:pk>/ranking/", views.ranking_detail, name="ranking_detail"),
    path("years/<id:pk>/ranking/publish/", views.ranking_publish, name="ranking_publish"),
    path("years/<id:pk>/ranking/export.xlsx", views.ranking_export, name="ranking_export"),
    path("years/<id:pk>/ranking/explain/", views.ranking_explain, name="ranking_explain"),
    path("years/<id:pk>/ranking/units/<id:unit_pk>/", views.ranking_unit, name="ranking_unit"),
]
