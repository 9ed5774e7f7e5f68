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
    "page.admin.name": ("用户管理", "Users"),
    "admin.subtitle": (
        "账号、角色与关区范围；所有变更记入审计日志",
        "Accounts, roles and district scope; every change is audited",
    ),
    "admin.users": ("用户", "Users"),
    "admin.add": ("新增用户", "Add a user"),
    "admin.audit": ("审计日志（最近 100 条，UTC）", "Audit log (latest 100, UTC)"),
    "admin.name": ("用户名", "User name"),
    "admin.display": ("显示名称", "Display name"),
    "admin.role": ("角色", "Role"),
    "admin.districts": ("关区范围（留空=全部）", "Districts (empty = all)"),
    "admin.password": ("初始密码（至少 12 位）", "Initial password (12+ characters)"),
    "admin.add.button": ("新增", "Add"),
    "admin.disable": ("停用所选用户", "Disable selected"),
    "admin.enable": ("启用所选用户", "Enable selected"),
    "admin.added": ("已新增用户 {name}", "User {name} added"),
    "admin.changed": ("已更新用户 {name}", "User {name} updated"),
    "admin.incomplete": (
        "请填写用户名、角色和初始密码",
        "Fill in the user name, role and initial password",
    ),
    "admin.select": ("请先在表格中选择一个用户", "Select a user in the table first"),
    "admin.self": ("不能停用自己的账号", "You cannot disable your own account"),
    "admin.col.active": ("状态", "Status"),
    "admin.active": ("启用", "active"),
    "admin.inactive": ("停用", "disabled"),
    "admin.col.at": ("时间 (UTC)", "Time (UTC)"),
    "admin.col.actor": ("操作人", "Actor"),
    "admin.col.action": ("操作", "Action"),
    "admin.col.outcome": ("结果", "Outcome"),
    "admin.col.target": ("对象", "Target"),
    "admin.col.ip": ("地址", "Address"),
    "admin.col.created": ("创建时间", "Created"),
}
