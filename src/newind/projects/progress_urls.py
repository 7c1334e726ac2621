"""URLs of the monthly project progress; the site includes them under /projects/progress/."""

from django.urls import path

from newind.projects import progress_views as views

app_name = "projects_progress"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:submission_id>/", views.form, name="form"),
    path("<int:submission_id>/review/", views.review, name="review"),
    path("<int:submission_id>/publish/", views.publish, name="publish"),
    path("<int:submission_id>/correct/", views.correct, name="correct"),
    path("<int:submission_id>/template.xlsx", views.template, name="template"),
    path("<int:submission_id>/upload/", views.upload, name="upload"),
]
