from django.urls import path

from newind.reform import views

app_name = "reform"

urlpatterns = [
    path("", views.list_page, name="list"),
    path("task/<int:task_id>/", views.task_page, name="task"),
    path("import/", views.import_page, name="import"),
    path("import/confirm/", views.confirm_import, name="confirm"),
    path("import/template.xlsx", views.template, name="template"),
]
