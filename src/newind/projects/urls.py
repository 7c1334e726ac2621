"""The project registry pages; the site includes them under /projects/ after the league and progress ones."""

from django.urls import path

from newind.projects import views

app_name = "projects"
urlpatterns = [
    path("list/", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/stoppage/", views.stoppage, name="stoppage"),
    path("<int:pk>/stoppage/<int:stoppage_id>/review/", views.review_stoppage, name="stoppage_review"),
    path("<int:pk>/falsified/", views.falsified, name="falsified"),
    path("import/", views.upload_page, name="import"),
    path("import/confirm/", views.confirm_import, name="import_confirm"),
]
