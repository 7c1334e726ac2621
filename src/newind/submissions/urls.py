from django.urls import path

from newind.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/new/", views.issue, name="issue"),
    path("tasks/<int:task_id>/", views.board, name="board"),
    path("tasks/<int:task_id>/remind/", views.remind, name="remind"),
    path("tasks/<int:task_id>/board.xlsx", views.board_xlsx, name="board_xlsx"),
    path("tasks/<int:task_id>/publish/", views.publish_many, name="publish_many"),
    path("discipline/<int:year>/", views.discipline, name="discipline"),
    path("<int:submission_id>/", views.submission_page, name="submission"),
    path("<int:submission_id>/review/", views.review, name="review"),
    path("<int:submission_id>/publish/", views.publish, name="publish"),
    path("<int:submission_id>/correct/", views.correct, name="correct"),
    path("<int:submission_id>/template.xlsx", views.template_xlsx, name="template"),
    path("<int:submission_id>/upload/", views.upload, name="upload"),
]
