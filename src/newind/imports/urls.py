from django.urls import path

from newind.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload_page, name="upload"),
    path("confirm/", views.confirm_import, name="confirm"),
    path("preview/", views.repreview_import, name="repreview"),
    path("history/", views.history_page, name="history"),
]
