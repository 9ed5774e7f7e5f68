"""Labels of sign-in, sign-out, roles and access denial (zh, en), merged into
`dashboard.i18n.CATALOG`."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, tuple[str, str]]] = {
    "login.title": ("登录", "Sign in"),
    "login.lead": ("请使用您的账号登录。", "Sign in with your account."),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.note": (
        "仅限授权人员使用；登录与操作均记录审计日志。",
        "For authorised staff only; sign-ins and actions are audited.",
    ),
    "login.error.bad": ("用户名或密码错误。", "Wrong user name or password."),
    "login.error.locked": (
        "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。",
        "Too many failed sign-ins: the account is locked; try again in 15 minutes.",
    ),
    "login.error.disabled": (
        "该账号已停用，请联系管理员。",
        "This account is disabled; ask an admin.",
    ),
    "login.error.csrf": (
        "登录表单已过期，请重新输入。",
        "The sign-in form expired; please enter your details again.",
    ),
    "user.logout": ("退出登录", "Sign out"),
    "user.role.command": ("指挥中心", "Command"),
    "user.role.leadership": ("领导", "Leadership"),
    "user.role.analyst": ("分析员", "Analyst"),
    "user.role.admin": ("管理员", "Admin"),
    "access.denied": ("无权访问", "No access"),
    "access.denied.lead": (
        "您的角色无权查看此页面。如需访问，请联系管理员。",
        "Your role does not include this page. Ask an admin if you need it.",
    ),
}
