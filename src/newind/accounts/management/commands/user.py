"""`newind user add <username> --role … [--unit CODE] [--name 中文名] [--ask-password | --password-stdin]`,
`newind user reset-password <username> [--ask-password | --password-stdin]`, `list`, `disable-inactive`.

A password is never an argument (it would stay in the shell history and the process list): it is typed at
a prompt (twice), read from standard input, or generated and shown once.
"""

from __future__ import annotations

import getpass
import secrets
import string
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from newind.accounts.models import Role
from newind.accounts.services import create_user
from newind.audit.commands import AuditedCommand
from newind.audit.services import record
from newind.core.errors import AppError, NotFound


def _initial_password() -> str:
    """A random initial password that meets the policy (all four classes, 14 characters)."""
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "-_#@%"]
    chars = [secrets.choice(p) for p in pools] + [secrets.choice("".join(pools)) for _ in range(10)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


NO_PASSWORD_ARGUMENT = ("不能把密码写在命令行参数里（会留在命令历史和进程列表中）：请改用 --ask-password 按提示输入两次，"
                        "或用 --password-stdin 从标准输入读取；两者都不用时随机生成初始密码并显示一次。")


def _add_password_options(parser: CommandParser) -> None:
    way = parser.add_mutually_exclusive_group()
    way.add_argument("--ask-password", action="store_true", help="按提示输入密码（输入两次，不回显）")
    way.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行）")
    # Kept only to refuse it with a message: a password on the command line leaks.
    way.add_argument("--password", help="（已停用）不能在命令行参数中写密码")


class Command(AuditedCommand):
    help = ("用户管理：newind user add 用户名 --role 角色 [--unit 单位代码] [--name 中文名] "
            "[--ask-password | --password-stdin]；newind user reset-password 用户名")
    # call_command(..., stdin=…) in tests; sys.stdin otherwise.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新建用户（首次登录须修改初始密码）")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=[value for value, _ in Role.choices],
                         help="office 办公室 | leader 市领导 | reporter 填报员 | reviewer 审核员 | enterprise 企业 | "
                              "sysadmin 系统管理员 | secadmin 安全管理员 | auditor 审计员")
        add.add_argument("--unit", help="单位代码（填报员、审核员、企业用户必填），如 430621")
        add.add_argument("--name", default="", help="中文姓名或岗位名称")
        _add_password_options(add)
        reset = sub.add_parser("reset-password", help="重置密码（用户下次登录须修改，并会看到由命令行重置）")
        reset.add_argument("username")
        _add_password_options(reset)
        sub.add_parser("list", help="列出用户：用户名、姓名、角色、单位、是否启用、最近登录")
        idle = sub.add_parser("disable-inactive", help="停用长期未登录的账号（等保：及时停用多余、过期账户）")
        idle.add_argument("--days", type=int, default=90, help="多少天未登录即停用，默认 90")
        idle.add_argument("--dry-run", action="store_true", help="只列出，不停用")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            return self._list()
        if options["action"] == "disable-inactive":
            return self._disable_inactive(options["days"], options["dry_run"])
        given = self._password(options)
        password = given or _initial_password()
        if options["action"] == "reset-password":
            return self._reset(options["username"], password, shown=given is None)
        user = create_user(options["username"], Role(options["role"]), password=password,
                           unit_code=options["unit"], name=options["name"], must_change_password=True,
                           requested_by="命令行")
        record("user.add.cli", user=None, actor="命令行", obj=user,
               summary=f"命令行新建用户「{user.get_username()}」，角色 {Role(options['role']).label}。")
        self.stdout.write(f"已新建用户「{user.get_username()}」（{Role(options['role']).label}"
                          f"{'，单位 ' + options['unit'] if options['unit'] else ''}）。")
        if not user.profile.role:
            self.stdout.write(f"角色「{Role(options['role']).label}」须经安全管理员确认：已提交申请，安全管理员在网页"
                              "「角色变更确认」中确认前，该用户没有任何权限。")
        if given is None:
            self.stdout.write(f"初始密码（只显示这一次）：{password}")
        self.stdout.write("该用户首次登录时须修改初始密码。")

    def _password(self, options: dict[str, Any]) -> str | None:
        """The password typed at the prompt or read from stdin; None means generate one."""
        if options.get("password") is not None:
            raise AppError(NO_PASSWORD_ARGUMENT)
        if options.get("password_stdin"):
            stream = options.get("stdin") or sys.stdin
            password = stream.readline().rstrip("\r\n")
            if not password:
                raise AppError("标准输入中没有密码：请在第一行提供密码，例如从受保护的文件重定向输入。")
            return str(password)
        if options.get("ask_password"):
            first = getpass.getpass("密码：")
            if first != getpass.getpass("再次输入密码："):
                raise AppError("两次输入的密码不一致：请重新运行命令并输入两次相同的密码。")
            if not first:
                raise AppError("密码不能为空：请重新运行命令输入密码，或去掉 --ask-password 随机生成。")
            return first
        return None

    def _reset(self, username: str, password: str, *, shown: bool) -> None:
        from django.contrib.auth import get_user_model

        from newind.accounts.services import reset_password

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise NotFound(f"未找到用户「{username}」：请检查用户名（newind user list 列出全部用户）。")
        reset_password(user, password, by="命令行（服务器运维）")
        self.stdout.write(f"已重置用户「{username}」的密码。")
        if shown:
            self.stdout.write(f"新密码（只显示这一次）：{password}")
        self.stdout.write("该用户下次登录时会看到密码由命令行重置，并须修改密码。")

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
