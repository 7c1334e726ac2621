"""`newind user add <username> --role … [--unit CODE] [--name 中文名] [--password P]`."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
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
