from django.urls import path

from newind.mujun import views

app_name = "mujun"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    path("runs/<int:run_id>/step/", views.run_step, name="step"),
    path("runs/<int:run_id>/notice.xlsx", views.notice_xlsx, name="notice_xlsx"),
    path("runs/<int:run_id>/notice.docx", views.notice_docx, name="notice_docx"),
    path("runs/<int:run_id>/policy/<slug:code>.xlsx", views.policy_xlsx, name="policy_xlsx"),
    path("results/<int:result_id>/", views.result_page, name="result"),
    path("results/<int:result_id>/adjust/", views.adjust, name="adjust"),
    path("results/<int:result_id>/confirm/", views.confirm, name="confirm"),
    path("results/<int:result_id>/object/", views.object_to, name="object"),
    path("objections/<int:objection_id>/decide/", views.decide, name="decide"),
    path("results/<int:result_id>/filing/", views.filing_page, name="filing"),
    path("flags/", views.flags_upload, name="flags"),
    path("flags/confirm/", views.flags_confirm, name="flags_confirm"),
]
