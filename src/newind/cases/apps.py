from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "newind.cases"
    label = "cases"
    verbose_name = "事项办理（诉求、督办、项目问题）"
