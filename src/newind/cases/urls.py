from django.urls import path

from newind.cases import views

app_name = "cases"

urlpatterns = [
    path("metrics/", views.metrics_page, name="metrics"),
    path("metrics.xlsx", views.metrics_xlsx, name="metrics_xlsx"),
    path("overdue/", views.overdue_page, name="overdue"),
    path("overdue.xlsx", views.overdue_xlsx, name="overdue_xlsx"),
]
