from django.urls import path

from newind.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/report.docx", views.meeting_report, name="meeting_report"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:meeting_id>/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:meeting_id>/decisions/<int:decision_id>/task/", views.decision_task, name="decision_task"),
    path("meetings/<int:meeting_id>/sources/task/", views.source_task, name="source_task"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/review/", views.task_review, name="task_review"),
    path("bulletin/", views.bulletin, name="bulletin"),
]
