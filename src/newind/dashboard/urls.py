from django.urls import path

from newind.dashboard import views

app_name = "dashboard"
urlpatterns = [path("", views.dashboard, name="page")]
