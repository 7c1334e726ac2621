from django.urls import path

from newind.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.runs_view, name="runs"),
    path("run/<str:name>/", views.run_now_view, name="run_now"),
    path("<int:run_id>/again/", views.run_again_view, name="run_again"),
]
