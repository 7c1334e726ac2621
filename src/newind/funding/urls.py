from django.urls import path

from newind.funding import views

app_name = "funding"

urlpatterns = [
    path("", views.list_page, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.register_page, name="register"),
    path("<int:item_id>/", views.detail_page, name="detail"),
    path("<int:item_id>/action/", views.action_view, name="action"),
]
