from django.urls import path

from newind.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log_view, name="log"),
    path("export.xlsx", views.export_view, name="export"),
    path("verify/", views.verify_view, name="verify"),
]
