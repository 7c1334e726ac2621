from django.urls import path

from newind.accountability import views

app_name = "accountability"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("scan/", views.scan, name="scan"),
    path("<int:entry_id>/", views.entry_detail, name="detail"),
    path("<int:entry_id>/measures/", views.measure_add, name="measure_add"),
    path("<int:entry_id>/close/", views.entry_close, name="close"),
    path("<int:entry_id>/reopen/", views.entry_reopen, name="reopen"),
]
