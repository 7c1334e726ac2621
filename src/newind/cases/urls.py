from django.urls import path

from newind.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_appeals, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.new_appeal, name="new"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/act/", views.case_act, name="act"),
    path("<int:case_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("metrics.xlsx", views.metrics_xlsx, name="metrics_xlsx"),
    path("overdue/", views.overdue_page, name="overdue"),
    path("overdue.xlsx", views.overdue_xlsx, name="overdue_xlsx"),
]
