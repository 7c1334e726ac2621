"""The audit log: append-only entries chained by keyed hashes (HMAC-SHA256), and anchors left by purges."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from newind.core.errors import Forbidden


def _refuse(what: str) -> NoReturn:
    raise Forbidden(f"审计日志只能追加，不能{what}：如需清理 180 天前的记录，请由审计员执行 newind audit purge。")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Refuses bulk update and delete, so the application has no path to change or remove entries."""

    def update(self, **kwargs: Any) -> int:
        _refuse("修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse("删除")


class AuditEntry(models.Model):
    """One audited event. Who and which unit are kept as text and ids (not foreign keys) so that deleting a
    user or unit never changes an entry; `hash` = HMAC-SHA256 under the audit key (kept outside the database)
    of the previous hash and this entry's canonical JSON (`audit.calc`)."""

    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("用户编号", null=True, blank=True, db_index=True)
    actor = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    actor_name = models.CharField("姓名", max_length=150, blank=True)
    actor_role = models.CharField("角色", max_length=16, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    action = models.CharField("操作", max_length=48, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    unit_id = models.BigIntegerField("单位编号", null=True, blank=True)
    unit_code = models.CharField("单位代码", max_length=32, blank=True, db_index=True)
    summary = models.CharField("说明", max_length=500, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64, unique=True)
    hash = models.CharField("本条哈希", max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor or '匿名'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            _refuse("修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("删除")


class AuditAnchor(models.Model):
    """Left by each purge: the hash of the last purged entry, so the chain of what remains still verifies.

    An anchor is genuine only with the keyed `audit.purge` entry the purge appends after it (`audit.verify`).
    """

    at = models.DateTimeField("清理时间")
    purged_before = models.DateField("清理此日期之前的记录")
    last_purged_id = models.BigIntegerField("最后一条被清理记录的编号")
    last_purged_hash = models.CharField("最后一条被清理记录的哈希", max_length=64)
    count = models.IntegerField("清理条数")
    actor = models.CharField("执行人", max_length=150, blank=True)

    class Meta:
        verbose_name = "审计清理锚点"
        verbose_name_plural = "审计清理锚点"
        ordering = ["-last_purged_id"]

    def __str__(self) -> str:
        return f"清理 {self.purged_before:%Y-%m-%d} 之前 {self.count} 条（锚点 {self.last_purged_id}）"
