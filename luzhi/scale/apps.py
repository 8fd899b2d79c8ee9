from django.apps import AppConfig


class ScaleConfig(AppConfig):
    name = "luzhi.scale"
    label = "scale"
    verbose_name = "规模测试数据"
