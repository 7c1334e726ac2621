from django.urls import path

from newind.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("<int:profile_id>/", views.enterprise_page, name="detail"),
    path("import/", views.upload_page, name="upload"),
    path("import/confirm/", views.confirm_import, name="confirm"),
]
