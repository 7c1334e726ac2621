"""Major projects (重大项目): the registry, each stage's planned and actual date, stoppages, the annual
investment plan, the monthly progress (versioned), the problems handed to departments, and campaigns.

Amounts are in 万元 and land in 亩 throughout (the office's project workbook uses 万元; 亿元 appears only in
bands and quotas, which convert). A project is not a `Unit`: its monthly figures are many (5,000 projects ×
60 months in the benchmark) and are read only here, so they live in `ProjectProgress`; what the city is
judged on (portfolio figures per county and park) is published into the spine as indicators.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.cases.models import Case
from newind.projects.choices import ChangeKind, Stage, StoppageReview
from newind.submissions.models import Submission
from newind.units.models import Unit


class ProjectImportBatch(models.Model):
    """One project workbook imported (or the demo's load): who, when, its hash and what it did."""

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件哈希", max_length=64, db_index=True)
    source_kind = models.CharField("来源", max_length=20, default="import")  # import | demo
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    added = models.IntegerField("新增项目", default=0)
    changed = models.IntegerField("变更项目", default=0)
    unchanged = models.IntegerField("未变项目", default=0)

    class Meta:
        verbose_name = "项目导入批次"
        verbose_name_plural = "项目导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class Project(models.Model):
    """One project. Changed only through `projects.services`, which writes a `ProjectChange` row for every
    field it changes (and for every stage reached, stoppage and 弄虚作假 flag)."""

    code = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200, db_index=True)
    county = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="所在县市区")
    park = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="所在园区")
    industry_code = models.CharField("国民经济行业代码(GB/T 4754)", max_length=5, blank=True)
    # 产业项目 (industrial) as against infrastructure and the like: 产业契合度 = industrial ÷ all new projects.
    is_industrial = models.BooleanField("产业项目", default=True)
    # The investor: a firm of the registry, or an outside one by name only.
    investor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="投资主体（企业档案）")
    investor_name = models.CharField("投资主体", max_length=200, blank=True)
    investor_flags = models.JSONField("投资方类型", default=list, blank=True)  # InvestorFlag codes
    lists = models.JSONField("所属清单", default=list, blank=True)  # ProjectList codes
    total_investment = models.DecimalField("总投资（万元）", max_digits=16, decimal_places=2)
    out_of_province_investment = models.DecimalField("其中省外资金（万元）", max_digits=16, decimal_places=2,
                                                     null=True, blank=True)
    # The contract amount (签约金额); when blank the signed amount counted is the total investment.
    contract_amount = models.DecimalField("签约金额（万元）", max_digits=16, decimal_places=2, null=True, blank=True)
    land_area = models.DecimalField("用地面积（亩）", max_digits=14, decimal_places=4, null=True, blank=True)
    # What the project promises at full production, for the park's entry thresholds (per mu).
    expected_annual_tax = models.DecimalField("达产年税收（万元）", max_digits=16, decimal_places=2, null=True,
                                              blank=True)
    expected_annual_output = models.DecimalField("达产年产值（万元）", max_digits=16, decimal_places=2, null=True,
                                                 blank=True)
    leader_name = models.CharField("联点市领导", max_length=50, blank=True)
    responsible_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                         verbose_name="责任单位")
    responsible_person = models.CharField("直接责任人", max_length=50, blank=True)
    has_task_force = models.BooleanField("工作专班", default=False)
    stage = models.CharField("当前阶段", max_length=20, choices=Stage.choices, default=Stage.PLANNING)
    stage_since = models.DateField("进入当前阶段日期", null=True, blank=True)
    is_stopped = models.BooleanField("停工", default=False)
    # 弄虚作假: set by the office with a reason (audited, in ProjectChange); −0.2 in the county 赛马.
    is_falsified = models.BooleanField("弄虚作假", default=False)
    falsified_reason = models.CharField("弄虚作假认定理由", max_length=500, blank=True)
    # From this day the finding counts in the 赛马 (a period ending before it is not deducted); blank = always.
    falsified_on = models.DateField("弄虚作假认定日期", null=True, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["county__sort_order", "code"]
        indexes = [models.Index(fields=["county", "stage"], name="project_by_county"),
                   models.Index(fields=["park", "stage"], name="project_by_park")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ProjectStage(models.Model):
    """One stage of one project: the planned date, the actual date and its evidence (文件、批复、照片说明)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    planned_on = models.DateField("计划日期", null=True, blank=True)
    actual_on = models.DateField("实际日期", null=True, blank=True)
    evidence = models.CharField("佐证材料", max_length=500, blank=True)

    class Meta:
        verbose_name = "项目阶段"
        verbose_name_plural = "项目阶段"
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="one_row_per_project_stage")]
        indexes = [models.Index(fields=["stage", "actual_on"], name="project_stage_actual"),
                   models.Index(fields=["stage", "planned_on"], name="project_stage_planned")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage}"


class ProjectStoppage(models.Model):
    """A stop (停工) with its reason and, later, the resumption (复工) with its reason; each is reviewed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stoppages")
    stopped_on = models.DateField("停工日期")
    reason = models.CharField("停工原因", max_length=500)
    resumed_on = models.DateField("复工日期", null=True, blank=True)
    resume_reason = models.CharField("复工说明", max_length=500, blank=True)
    review = models.CharField("审核", max_length=12, choices=StoppageReview.choices, default=StoppageReview.PENDING)
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "停工复工"
        verbose_name_plural = "停工复工"
        ordering = ["-stopped_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stopped_on}"


class ProjectYearPlan(models.Model):
    """The investment a project plans for one year (年度计划投资), the denominator of 占年计划%."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="year_plans")
    year = models.SmallIntegerField("年份")
    planned_investment = models.DecimalField("年度计划投资（万元）", max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = "年度投资计划"
        verbose_name_plural = "年度投资计划"
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="one_plan_per_project_year")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}"


class ProjectChange(models.Model):
    """One field of one project changed (or the project created, a stage reached, a stop, a flag): who,
    when, old → new, from which batch. Nothing about a project changes without one of these."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="changes", verbose_name="项目")
    kind = models.CharField("类型", max_length=10, choices=ChangeKind.choices, default=ChangeKind.CHANGED)
    field = models.CharField("字段", max_length=40, blank=True)
    old_value = models.CharField("原值", max_length=500, blank=True)
    new_value = models.CharField("新值", max_length=500, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    batch = models.ForeignKey(ProjectImportBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="changes", verbose_name="导入批次")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="操作人")
    changed_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "项目变更"
        verbose_name_plural = "项目变更"
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.field}: {self.old_value} → {self.new_value}"


class ProjectProgress(models.Model):
    """One project's report for one month, versioned: a correction appends a row and the old one stops being
    current (`is_current`), so every figure keeps its history and who made it.

    Months are cumulative periods 1–N月; there is no 1月 report (1–2月 is reported once, as month 2). The
    month's own figure is reported, not derived, and the two cumulative figures are reported too (the
    checks compare them). 占年计划% and 占总投资% are computed on read, never stored.

    A row entered on the unit's monthly form belongs to that `Submission` and becomes current only when the
    submission is published (`published_at`); a draft row is never read as a figure.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="progress")
    year = models.SmallIntegerField("年份")
    month = models.SmallIntegerField("截至月份")  # 2..12 (2 = 1–2月)
    month_investment = models.DecimalField("当月完成投资（万元）", max_digits=16, decimal_places=2)
    ytd_investment = models.DecimalField("年初至报告期累计完成投资（万元）", max_digits=16, decimal_places=2)
    since_start_investment = models.DecimalField("开工至报告期累计完成投资（万元）", max_digits=16,
                                                 decimal_places=2)
    # Funds actually in place, cumulative since signing (资金到位), for 资金到位率 against the contract amount.
    funds_in_place = models.DecimalField("累计到位资金（万元）", max_digits=16, decimal_places=2, null=True,
                                         blank=True)
    image_progress = models.CharField("形象进度", max_length=500, blank=True)
    problems = models.CharField("存在问题", max_length=500, blank=True)
    explanation = models.CharField("说明", max_length=500, blank=True)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="project_rows", verbose_name="所属报表")
    is_current = models.BooleanField("现行", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="填报人")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "项目月度进度"
        verbose_name_plural = "项目月度进度"
        ordering = ["project", "year", "month", "-id"]
        indexes = [models.Index(fields=["year", "month", "is_current"], name="progress_by_month"),
                   models.Index(fields=["project", "year", "month"], name="progress_by_project")]
        constraints = [models.UniqueConstraint(fields=["project", "year", "month"],
                                               condition=models.Q(is_current=True),
                                               name="one_current_progress_per_month"),
                       models.CheckConstraint(condition=models.Q(month__gte=2, month__lte=12),
                                              name="progress_month_2_to_12")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}-{self.month:02d}"


class ProjectProblem(models.Model):
    """A project's problem handed to a department: a `project_problem` case of the case engine."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="problem_links")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="project_link")

    class Meta:
        verbose_name = "项目问题"
        verbose_name_plural = "项目问题"

    def __str__(self) -> str:
        return f"{self.project_id} {self.case_id}"


class Campaign(models.Model):
    """A campaign (e.g. 产业招商月 2017-06-15 → 07-15) with targets per county."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    goal_note = models.CharField("总体目标", max_length=300, blank=True)
    # The city's goals (e.g. 40 new starts, 800,000万元 = 80亿元 signed); blank: the sum of the county targets.
    goal_new_starts = models.IntegerField("目标新开工项目（个）", null=True, blank=True)
    goal_new_production = models.IntegerField("目标新投产项目（个）", null=True, blank=True)
    goal_signed_amount = models.DecimalField("目标签约金额（万元）", max_digits=16, decimal_places=2, null=True,
                                             blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "专项活动"
        verbose_name_plural = "专项活动"
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_ends_after_start")]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """One county's targets in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="县市区")
    new_starts = models.IntegerField("新开工项目（个）", default=0)
    new_production = models.IntegerField("新投产项目（个）", default=0)
    signed_amount = models.DecimalField("签约金额（万元）", max_digits=16, decimal_places=2, default=0)
    # The share of the county's annual task the campaign should deliver (e.g. 40 %).
    annual_task_share_pct = models.DecimalField("占全年任务比例（%）", max_digits=6, decimal_places=2, null=True,
                                                blank=True)

    class Meta:
        verbose_name = "专项活动目标"
        verbose_name_plural = "专项活动目标"
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="one_target_per_campaign_unit")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit_id}"
