"""URLs of the project problems handed to departments; the site includes them under /projects/."""

from django.urls import path

from newind.projects import problems_views as views

app_name = "projects_problems"
urlpatterns = [
    path("<int:project_pk>/problems/new/", views.new_problem, name="new"),
]
