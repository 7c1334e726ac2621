from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "newind.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        # Every app's jobs.py registers its jobs (and periodic schedules) with newind.jobs.registry, in the
        # web process (to enqueue them by name) and in the worker (to run them).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
