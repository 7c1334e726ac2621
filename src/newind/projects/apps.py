from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "newind.projects"
    label = "projects"
    verbose_name = "重大项目"

    def ready(self) -> None:
        # The portfolio figures in the spine follow every published month of progress (projects.spine).
        from newind.projects.signals import progress_published
        from newind.projects.spine import on_progress_published

        progress_published.connect(on_progress_published, dispatch_uid="projects.spine.portfolio")
