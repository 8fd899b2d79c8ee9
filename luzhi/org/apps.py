from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "luzhi.org"
    label = "org"
    verbose_name = "组织"
