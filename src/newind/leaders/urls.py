from django.urls import path

from newind.leaders import views

app_name = "leaders"
urlpatterns = [path("", views.page, name="page")]
