"""The one list of the platform's pages that the top-bar menu and the home tiles are built from.

Each entry carries the `PageAccess` its view requires (newind.accounts.access), so the menu and the tiles
show a user exactly the pages that user may open: they cannot offer a link that ends in a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newind.accounts.access import (
    ACCOUNTABILITY_PAGE,
    ALERTS_PAGE,
    ASSESSMENT_PAGE,
    AUDIT_PAGE,
    BENCHMARK_PAGE,
    CASE_INBOX_PAGE,
    CASE_METRICS_PAGE,
    CASES_PAGE,
    DASHBOARD_PAGE,
    ENTERPRISES_PAGE,
    FUNDING_PAGE,
    IMPORT_PAGE,
    JOBS_PAGE,
    LEADERS_PAGE,
    LOCKOUTS_PAGE,
    MUJUN_FLAGS_PAGE,
    MUJUN_PAGE,
    MY_APPEALS_PAGE,
    PAIRING_GAPS_PAGE,
    PAIRINGS_PAGE,
    PARKS_PAGE,
    PAYOUTS_PAGE,
    POLICIES_PAGE,
    PROJECT_CAMPAIGNS_PAGE,
    PROJECT_LEAGUE_PAGE,
    PROJECTS_PAGE,
    REFORM_IMPORT_PAGE,
    REFORM_PAGE,
    ROLE_REQUESTS_PAGE,
    SECURITY_PAGE,
    SESSIONS_PAGE,
    SUBMISSIONS_PAGE,
    SUPERVISION_PAGE,
    TARGETS_PAGE,
    USERS_PAGE,
    PageAccess,
)


@dataclass(frozen=True)
class MenuEntry:
    """One page in the menu: its access rule, its address, and the text of its home tile."""

    access: PageAccess
    url: str
    summary: str
    # The tile may open the page with a useful first choice (the menu link opens it plain).
    tile_url: str = ""

    @property
    def label(self) -> str:
        return self.access.label

    @property
    def tile_href(self) -> str:
        return self.tile_url or self.url

    def allows(self, user: Any) -> bool:
        """May the user open this entry's page (the same check the page's view makes)?"""
        return self.access.allows(user)


ENTRIES: tuple[MenuEntry, ...] = (
    MenuEntry(BENCHMARK_PAGE, "/benchmark/", "岳阳在全省14个市州、长江沿线同类城市中的位次、占比，与标兵、追兵的差距。",
              "/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016"),
    MenuEntry(IMPORT_PAGE, "/imports/", "上传CSV或Excel（长表或宽表），先预览新增、变更和不变的数据，再确认写入。"),
    MenuEntry(DASHBOARD_PAGE, "/dashboard/",
              "主要指标、全省位次、目标预警、县市区和园区排名；一键下载月度调度通报（Word/PDF/Excel）。"),
    MenuEntry(TARGETS_PAGE, "/targets/", "各项目标的完成进度、序时进度和红黄绿灯，本月新亮灯和转绿的目标。"),
    MenuEntry(SUBMISSIONS_PAGE, "/submissions/",
              "办公室下达填报任务；各单位网页或Excel填报、审核员审核、办公室发布；看板显示谁已报、谁迟报、谁被退回。"),
    MenuEntry(ENTERPRISES_PAGE, "/enterprises/",
              "一企一档：按名称、简称、统一社会信用代码或拼音首字母查找企业，查看档案、年度数据及其版本和变更记录。"),
    MenuEntry(PARKS_PAGE, "/parks/",
              "园区亩均税收、亩均增加值排名，技工贸总收入距百亿、千亿的差距和所需增速，主导产业集聚度。"),
    MenuEntry(MUJUN_PAGE, "/mujun/",
              "亩均效益综合评价：企业得分、排名和 A–D 类别，县市区和园区汇总，公示与异议处理，公示名单和公示文件导出。"),
    MenuEntry(MUJUN_FLAGS_PAGE, "/mujun/flags/",
              "导入亩均评价的年度标记（否决、保护、不参评）：先预览，逐条列出问题所在的行和列，全部正确才写入。"),
    MenuEntry(FUNDING_PAGE, "/funding/",
              "向上争取国家、省级项目资金和政策：申报窗口、截止提醒、责任单位和责任人、争取与获批金额。"),
    # cases (issue 11 §2): the office's and leaders' list, a firm's own appeals, a department's inbox
    MenuEntry(CASES_PAGE, "/cases/", "企业诉求、督办事项的受理、交办、办理、延期、办结、回访评价与归档；不满意原因统计。"),
    MenuEntry(MY_APPEALS_PAGE, "/cases/mine/", "提交本企业的诉求（手机可用），跟踪办理进度，办结后评价。"),
    MenuEntry(CASE_INBOX_PAGE, "/cases/inbox/", "交办本单位牵头或协办的事项：签收、答复、申请延期、办结。"),
    MenuEntry(CASE_METRICS_PAGE, "/cases/metrics/",
              "企业诉求等事项按承办单位、分类、月份的办结率、按期办结率、延期率、满意率和平均办结用时；逾期事项清单，可导出 Excel。"),
    MenuEntry(PAIRINGS_PAGE, "/pairing/",
              "包联干部与重点企业：本人包联的企业、本月走访和电话次数，手机上记录走访，发现的问题一键转为企业诉求。"),
    MenuEntry(PAIRING_GAPS_PAGE, "/pairing/gaps/",
              "本月未按要求走访、电话的包联干部和企业，无人包联的重点企业；导出 Excel。"),
    MenuEntry(POLICIES_PAGE, "/policies/",
              "惠企政策库：政策要点、申报指南和认定条件；企业可享受哪些政策、为什么（逐条说明），哪些企业符合某项政策。"),
    MenuEntry(PAYOUTS_PAGE, "/policies/payouts/", "政策兑现台账：登记或导入兑现记录，按政策、按县市区合计。"),
    # projects (issue 12 §1): the registry list, each project's page (stages, lights, progress, history)
    MenuEntry(PROJECTS_PAGE, "/projects/list/",
              "重大项目库：按县市区、园区、阶段和清单查找项目，查看阶段进展、停工复工、预警灯、月度投资进度、变更记录和入园门槛对照。"),
    # projects (issue 12 §5): the county 赛马 league and, linked from it, the portfolio figures
    MenuEntry(PROJECT_LEAGUE_PAGE, "/projects/league/",
              "县市区重大项目赛马：各项得分、逾期未开工和弄虚作假扣分、500强加分、名次和进退位；县市区和园区组合指标。"),
    MenuEntry(PROJECT_CAMPAIGNS_PAGE, "/projects/campaigns/",
              "产业招商月等专项活动：各县市区新开工、新投产和签约金额的目标与实时完成情况，活动结束后的总结。"),
    # supervision (issue 13 §1–2): dispatch meetings, their decisions as tasks, the tasks and the bulletin
    MenuEntry(SUPERVISION_PAGE, "/supervision/",
              "调度会议（月调度、季讲评、专题调度、现场办公）：议程、所用月度调度通报、议定事项一键转督办；督办任务的时限、销号审核和月度督办通报（Word）。"),
    # reform (issue 13 §3): the task lists with progress and lights; the office imports a list
    MenuEntry(REFORM_PAGE, "/reform/",
              "改革与行动任务清单（三去一降一补、创新引领、开放崛起、园区十条）：各项任务的节点、完成进度和红黄绿灯，牵头单位在手机上报告节点完成情况。"),
    MenuEntry(REFORM_IMPORT_PAGE, "/reform/import/", "导入改革任务清单（Excel）：先预览，逐条列出问题所在的工作表、行和列，全部正确才写入；可下载模板。"),
    # issue 13 §5: the heads' own responsibility, from the records
    MenuEntry(LEADERS_PAGE, "/leaders/",
              "各单位主要负责人亲自部署、亲自调度、亲自负责情况：主持调度会、批示交办督办事项、审核签发月报和办结事项、红灯后是否及时督办。"),
    # issue 13 §4: the quarterly review and the annual assessment
    MenuEntry(ASSESSMENT_PAGE, "/assessment/",
              "季度讲评与年度考核：按方案计分、排名、定等次，逐项说明原始数据、版本、来源和计分规则；年度考核经公示、异议处理后发布。"),
    # issue 13 §6: the accountability list with the measures taken about each entry
    MenuEntry(ACCOUNTABILITY_PAGE, "/accountability/",
              "问责清单：督办事项逾期超过升级阶梯、重大项目停滞、多次迟报缺报月度报表的单位和责任人，约谈、通报批评、诫勉、问责的日期、文号和全过程记录。"),
    # issue 13 §7: the alerts pushed to 企业微信/钉钉, acknowledged and resolved here; subscriptions by unit
    MenuEntry(ALERTS_PAGE, "/alerts/",
              "目标红灯、督办事项新逾期、项目一票否决风险的预警：确认、解除、再次触发的全过程，按单位订阅推送。"),
    MenuEntry(AUDIT_PAGE, "/audit/", "按人员、单位、操作、时间筛选，导出 Excel，校验哈希链。"),
    MenuEntry(SECURITY_PAGE, "/accounts/security/", "登录失败锁定、空闲超时、口令规则、双因素认证。"),
    MenuEntry(SESSIONS_PAGE, "/accounts/sessions/", "查看并结束登录会话。"),
    MenuEntry(LOCKOUTS_PAGE, "/accounts/lockouts/", "连续登录失败被锁定的账号，核实后提前解锁。"),
    MenuEntry(ROLE_REQUESTS_PAGE, "/accounts/roles/", "确认或驳回系统管理员提交的审计员、安全管理员、办公室角色变更。"),
    MenuEntry(JOBS_PAGE, "/jobs/", "提醒、数据重算、夜间备份、停用久未登录账号等后台任务的运行记录；失败的任务可重新运行。"),
    MenuEntry(USERS_PAGE, "/admin/auth/user/", "新建用户、分配角色和所属单位、停用账号。"),
)


def entries_for(user: Any) -> list[MenuEntry]:
    """The menu entries (and home tiles) this user may open, in menu order."""
    return [e for e in ENTRIES if e.allows(user)]


def menu_labels() -> set[str]:
    """Every label the menu can show, for texts that send a user to a menu item."""
    return {e.label for e in ENTRIES}
