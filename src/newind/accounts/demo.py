"""The demo's named cast of users (documented demo passwords; no forced password change for them)."""

from __future__ import annotations

from typing import NamedTuple, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from newind.accounts.models import Profile, Role


class DemoUser(NamedTuple):
    username: str
    name: str
    role: str
    unit_code: str | None
    password: str
    sees: str


# Demo passwords satisfy the default policy (≥ 8 characters, 3 classes, not common, not like the username).
CAST = [
    DemoUser("shigongxin", "市工信局管理员", "office", None, "Demo-2017-office", "全市所有单位，可读可写、发布"),
    DemoUser("yyx_tianbao", "岳阳县填报员", "reporter", "430621", "Demo-2017-yyx", "岳阳县及下级：填报"),
    DemoUser("yyx_shenhe", "岳阳县审核员", "reviewer", "430621", "Demo-2017-yyxsh", "岳阳县及下级：审核"),
    DemoUser("yx_tianbao", "云溪区填报员", "reporter", "430603", "Demo-2017-yxq", "云溪区及下级：填报"),
    DemoUser("shilingdao", "市领导", "leader", None, "Demo-2017-leader", "全市所有单位，只读"),
    DemoUser("shenji", "审计员", "auditor", None, "Demo-2017-audit", "只看审计日志"),
    DemoUser("xitong", "系统管理员", "sysadmin", None, "Demo-2017-sys", "用户与角色（后台），不看业务数据和审计日志"),
    DemoUser("anquan", "安全管理员", "secadmin", None, "Demo-2017-sec", "安全策略、在线会话，不看业务数据"),
]


@transaction.atomic
def load_demo(out: TextIO) -> None:
    """Create the cast (idempotent: existing users are left as they are) and print who logs in how."""
    from newind.accounts.services import create_user

    user_model = get_user_model()
    created = 0
    for u in CAST:
        if user_model.objects.filter(username=u.username).exists():
            continue
        create_user(u.username, Role(u.role), password=u.password, unit_code=u.unit_code, name=u.name,
                    must_change_password=False)
        created += 1
    out.write(f"演示账号：新建 {created} 个，共 {Profile.objects.filter(user__username__in=[u.username for u in CAST]).count()} 个"
              "（演示账号无需首次改密；正式账号首次登录须修改初始密码）：\n")
    for u in CAST:
        out.write(f"  {u.name:<8} 用户名 {u.username:<12} 密码 {u.password:<18} {u.sees}\n")
