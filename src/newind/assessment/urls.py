from django.urls import path

from newind.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run_scheme, name="run_scheme"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    path("runs/<int:run_id>/act/", views.act, name="act"),
    path("runs/<int:run_id>/download/", views.download, name="download"),
    path("runs/<int:run_id>/units/<str:code>/", views.unit_page, name="unit"),
]
