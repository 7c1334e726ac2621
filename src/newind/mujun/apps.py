from django.apps import AppConfig


class MujunConfig(AppConfig):
    name = "newind.mujun"
    label = "mujun"
    verbose_name = "亩均效益综合评价"
