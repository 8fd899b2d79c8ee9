from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from luzhi.core.scoping import ScopedQuerySet


class AuditEntry(models.Model):
    """One recorded event: a write through any door, a restore, a login or a failed login."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        RESTORE = "restore", "恢复"
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出"
        LOGIN_FAILED = "login_failed", "登录失败"
        UNLOCK = "unlock", "解锁账号"
        GRANT_OFFICE = "grant_office", "授予办公室角色"
        PASSWORD_RESET = "password_reset", "重置密码"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="用户"
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    model = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True, encoder=DjangoJSONEncoder)
    via = models.CharField("途径", max_length=20, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    committee_id = models.BigIntegerField("所属政协", null=True, blank=True, db_index=True)
    history_id = models.BigIntegerField("历史版本", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "审计日志"
        indexes = [models.Index(fields=["committee_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    @classmethod
    def scope_rows(cls, qs: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
        """A committee's own entries; a top committee's also the failed logins that belong to no committee.

        Failed logins for names no account has (password spraying) would otherwise reach no auditor.
        """
        committees = apps.get_model("org", "Committee").objects
        top = models.Exists(committees.filter(pk=user.committee_id, parent__isnull=True))
        unowned = models.Q(committee_id__isnull=True, action=cls.Action.LOGIN_FAILED) & models.Q(top)
        return qs.filter(models.Q(committee_id=user.committee_id) | unowned)


class TextIndexEntry(models.Model):
    """The stored terms of one indexed text (see core.similarity); one row per object.

    Every write inserts a fresh row (a removal inserts a row without terms), so another
    app server notices a change by the newest id and count and loads only what is new.
    """

    namespace = models.CharField("类别", max_length=40)
    committee_id = models.BigIntegerField("所属政协")
    object_id = models.BigIntegerField("对象编号")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    terms = models.JSONField("词项", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "相似度索引"
        constraints = [
            models.UniqueConstraint(fields=["namespace", "committee_id", "object_id"], name="text_index_once")
        ]
        indexes = [models.Index(fields=["namespace", "committee_id", "id"])]

    def __str__(self) -> str:
        return f"{self.namespace}:{self.committee_id}:{self.object_id}"


class FormSubmission(models.Model):
    """A create form's one-time token, spent by the object it created (core.once): a replay finds the object."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField("表单令牌", max_length=64)
    model = models.CharField("对象类型", max_length=100)
    object_id = models.BigIntegerField("对象编号")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "表单提交"
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")]

    def __str__(self) -> str:
        return f"{self.model}:{self.object_id}"
