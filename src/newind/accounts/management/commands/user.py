"""`newind user add <username> --role … [--unit CODE] [--name 中文名] [--password P]`."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from newind.accounts.models import Role
from newind.accounts.services import create_user
from newind.audit.services import record


def _initial_password() -> str:
    """A random initial password that meets the policy (all four classes, 14 characters)."""
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "-_#@%"]
    chars = [secrets.choice(p) for p in pools] + [secrets.choice("".join(pools)) for _ in range(10)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


class Command(BaseCommand):
    help = "用户管理：newind user add 用户名 --role 角色 [--unit 单位代码] [--name 中文名] [--password 初始密码]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新建用户（首次登录须修改初始密码）")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=[value for value, _ in Role.choices],
                         help="office 办公室 | leader 市领导 | reporter 填报员 | reviewer 审核员 | enterprise 企业 | "
                              "sysadmin 系统管理员 | secadmin 安全管理员 | auditor 审计员")
        add.add_argument("--unit", help="单位代码（填报员、审核员、企业用户必填），如 430621")
        add.add_argument("--name", default="", help="中文姓名或岗位名称")
        add.add_argument("--password", help="初始密码；不填则随机生成并显示一次")
        sub.add_parser("list", help="列出用户：用户名、姓名、角色、单位、是否启用、最近登录")
        idle = sub.add_parser("disable-inactive", help="停用长期未登录的账号（等保：及时停用多余、过期账户）")
        idle.add_argument("--days", type=int, default=90, help="多少天未登录即停用，默认 90")
        idle.add_argument("--dry-run", action="store_true", help="只列出，不停用")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            return self._list()
        if options["action"] == "disable-inactive":
            return self._disable_inactive(options["days"], options["dry_run"])
        password = options["password"] or _initial_password()
        user = create_user(options["username"], Role(options["role"]), password=password,
                           unit_code=options["unit"], name=options["name"], must_change_password=True)
        record("user.add.cli", user=None, actor="命令行", obj=user,
               summary=f"命令行新建用户「{user.get_username()}」，角色 {Role(options['role']).label}。")
        self.stdout.write(f"已新建用户「{user.get_username()}」（{Role(options['role']).label}"
                          f"{'，单位 ' + options['unit'] if options['unit'] else ''}）。")
        if not options["password"]:
            self.stdout.write(f"初始密码（只显示这一次）：{password}")
        self.stdout.write("该用户首次登录时须修改初始密码。")

    def _list(self) -> None:
        from django.contrib.auth import get_user_model

        for u in get_user_model().objects.select_related("profile", "profile__unit").order_by("username"):
            profile = getattr(u, "profile", None)
            role = profile.get_role_display() if profile else ("系统管理员（超级用户）" if u.is_superuser else "未分配")
            unit = profile.unit.name if profile and profile.unit else "—"
            # Beijing time (settings.TIME_ZONE), as the web pages show it; the database keeps UTC.
            last = f"{timezone.localtime(u.last_login):%Y-%m-%d %H:%M}" if u.last_login else "从未登录"
            self.stdout.write(f"{u.username}\t{u.first_name or '—'}\t{role}\t{unit}\t"
                              f"{'启用' if u.is_active else '停用'}\t{last}")

    def _disable_inactive(self, days: int, dry_run: bool) -> None:
        from newind.accounts.services import inactive_users

        users = inactive_users(days)
        for u in users:
            self.stdout.write(f"{u.username}\t{u.first_name or '—'}\t最近登录 "
                              f"{timezone.localtime(u.last_login):%Y-%m-%d}" if u.last_login
                              else f"{u.username}\t从未登录")
        if dry_run:
            self.stdout.write(f"共 {len(users)} 个账号超过 {days} 天未登录（未停用：--dry-run）。")
            return
        for u in users:
            u.is_active = False
            u.save(update_fields=["is_active"])  # audited as user.change by the accounts signals
        self.stdout.write(f"已停用 {len(users)} 个超过 {days} 天未登录的账号；停用记录已写入审计日志。")
