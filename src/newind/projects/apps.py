from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "newind.projects"
    label = "projects"
    verbose_name = "重大项目"

    def ready(self) -> None:
        from newind.projects.lights import warning_rows
        from newind.targets.queries import register_warning_source

        # The project lights (开工、入库纳统、投资序时、停滞、停工) join the targets' warning list, the report's
        # 目标预警 section and the dashboard's warning card, with their change since last month.
        register_warning_source("projects", warning_rows)
        # The monthly progress form (岳新工办统2表) goes through the submissions workflow with its own rows:
        # a higher app registers with a lower one (docs/decisions.md "Domains plug in").
        from newind.projects.progress import FORM_CODE, ProjectProgressRows
        from newind.submissions.providers import register

        register(FORM_CODE, ProjectProgressRows())
        # The portfolio figures in the spine follow every published month of progress (projects.spine).
        from newind.projects.signals import progress_published
        from newind.projects.spine import on_progress_published

        progress_published.connect(on_progress_published, dispatch_uid="projects.spine.portfolio")
