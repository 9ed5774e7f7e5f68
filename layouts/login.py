"""The sign-in page: plain server-rendered HTML (it must work before any Dash script is
allowed to load), in Chinese or English, every value escaped, local styles only."""

from __future__ import annotations

from markupsafe import escape

from dashboard.i18n import t

ERRORS = {
    "bad": "login.error.bad",
    "locked": "login.error.locked",
    "disabled": "login.error.disabled",
    "csrf": "login.error.csrf",
}


def login_page(*, lang: str, next_url: str, csrf: str, error: str, username: str) -> str:
    """The sign-in page HTML.

    Args:
        lang: "zh" or "en".
        next_url: where to go after signing in (already checked to be a local path).
        csrf: the session's form token.
        error: "", or a key of `ERRORS`.
        username: the name typed before a failed attempt.
    """
    other = "en" if lang == "zh" else "zh"
    message = (
        f'<div class="alert alert-danger py-2" role="alert">{escape(t(ERRORS[error], lang))}</div>'
        if error in ERRORS
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("login.title", lang))} · {escape(t("app.name", lang))}</title>
<link rel="stylesheet" href="/assets/00_bootstrap.min.css">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body class="login-body">
<main class="login-card card shadow-sm">
  <div class="card-body">
    <h1 class="h4 mb-1">{escape(t("app.name", lang))}</h1>
    <p class="text-body-secondary mb-3">{escape(t("login.lead", lang))}</p>
    {message}
    <form method="post" action="/login" autocomplete="on">
      <input type="hidden" name="csrf" value="{escape(csrf)}">
      <input type="hidden" name="next" value="{escape(next_url)}">
      <label class="form-label" for="username">{escape(t("login.username", lang))}</label>
      <input class="form-control mb-2" id="username" name="username" required maxlength="64"
             autocomplete="username" value="{escape(username)}" autofocus>
      <label class="form-label" for="password">{escape(t("login.password", lang))}</label>
      <input class="form-control mb-3" id="password" name="password" type="password" required
             maxlength="256" autocomplete="current-password">
      <button class="btn btn-primary w-100" type="submit" id="login-submit">{
        escape(t("login.submit", lang))
    }</button>
    </form>
    <p class="small text-body-secondary mt-3 mb-0">{escape(t("login.note", lang))}</p>
    <a class="small" href="/lang/{other}?next=/login" hreflang="{other}">{
        escape(t("lang.switch", lang))
    }</a>
  </div>
</main>
</body>
</html>"""
