from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "newind.projects"
    label = "projects"
    verbose_name = "重大项目"

    def ready(self) -> None:
        # The monthly progress form (岳新工办统2表) goes through the submissions workflow with its own rows:
        # a higher app registers with a lower one (docs/decisions.md "Domains plug in").
        from newind.projects.progress import FORM_CODE, ProjectProgressRows
        from newind.submissions.providers import register

        register(FORM_CODE, ProjectProgressRows())
