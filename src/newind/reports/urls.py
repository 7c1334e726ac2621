from django.urls import path

from newind.reports import views

app_name = "reports"
urlpatterns = [path("monthly", views.monthly_download, name="monthly")]
