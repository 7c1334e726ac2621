from django.urls import path

from newind.benchmark import views

app_name = "benchmark"
urlpatterns = [
    path("", views.benchmark_page, name="page"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
