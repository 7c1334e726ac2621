"""Reform and action task lists (改革与行动任务清单; issue 13 §3): 三去一降一补, 创新引领在岳阳, 开放崛起在岳阳,
园区十条 … Each list (TaskSet) has tasks with an owner unit and a weight; each task has milestones with a
planned date and a weight, and, once reported, the date it was done and the evidence. Progress and lights
are computed (reform.calc), never stored. Writes go through reform.services, audited."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from newind.units.models import Unit


class TaskSet(models.Model):
    """One task list issued by one document, e.g. 2017年工业领域「三去一降一补」任务清单."""

    code = models.CharField("任务清单代码", max_length=32, unique=True)
    name = models.CharField("任务清单名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    source_document = models.CharField("来源文件", max_length=300, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "改革任务清单"
        verbose_name_plural = "改革任务清单"
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ReformTask(models.Model):
    """One task of a list: what is to be done, the owner unit (牵头单位), co-units (配合单位) and its weight."""

    task_set = models.ForeignKey(TaskSet, on_delete=models.CASCADE, related_name="tasks", verbose_name="任务清单")
    code = models.CharField("任务编号", max_length=32)
    title = models.CharField("任务名称", max_length=300)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reform_tasks",
                                   verbose_name="牵头单位")
    co_units = models.ManyToManyField(Unit, blank=True, related_name="reform_co_tasks", verbose_name="配合单位")
    weight = models.DecimalField("任务权重", max_digits=8, decimal_places=2, default=Decimal("1"))
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "改革任务"
        verbose_name_plural = "改革任务"
        ordering = ["task_set", "code"]
        constraints = [models.UniqueConstraint(fields=["task_set", "code"], name="reform_task_code_in_set")]
        indexes = [models.Index(fields=["owner_unit"], name="reform_task_owner")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Milestone(models.Model):
    """One node of a task (节点): planned date and weight; done date, evidence and who reported it."""

    task = models.ForeignKey(ReformTask, on_delete=models.CASCADE, related_name="milestones", verbose_name="任务")
    seq = models.PositiveSmallIntegerField("节点序号")
    title = models.CharField("节点内容", max_length=300)
    planned_on = models.DateField("计划完成日期")
    weight = models.DecimalField("节点权重", max_digits=8, decimal_places=2, default=Decimal("1"))
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    evidence = models.TextField("完成情况与佐证", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="报告人")
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)

    class Meta:
        verbose_name = "任务节点"
        verbose_name_plural = "任务节点"
        ordering = ["task", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="reform_milestone_seq_in_task")]

    def __str__(self) -> str:
        return f"{self.task.code}-{self.seq} {self.title}"
