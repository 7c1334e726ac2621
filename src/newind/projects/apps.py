from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "newind.projects"
    label = "projects"
    verbose_name = "重大项目"
