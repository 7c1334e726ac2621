from django.urls import path

from newind.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.progress_page, name="progress"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("manage/", views.manage_page, name="manage"),
    path("new/", views.create_target, name="create"),
    path("<int:pk>/edit/", views.edit_target, name="edit"),
    path("<int:pk>/delete/", views.delete_target, name="delete"),
    path("rules/", views.choose_rules, name="rules"),
    path("template.xlsx", views.template_download, name="template"),
    path("import/", views.import_upload, name="import"),
    path("share/", views.share_page, name="share"),
]
