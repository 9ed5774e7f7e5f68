"""Command line for accounts and ingest tokens: `python -m dashboard users|tokens ...`.

    users add NAME --role ROLE [--districts 0100;0200] [--display-name X]
    users passwd NAME | users disable NAME | users enable NAME | users list [--json]
    tokens add --district CODE [--label X] | tokens revoke ID | tokens list [--json]

Passwords are read from the terminal without echo (or one line of stdin with
`--password-stdin`, for scripts); `--generate` makes a random one and prints it once.
A new token is printed once; only its hash is stored.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from dashboard import auth, db, tokens
from dashboard.config import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def add_parsers(sub: Any) -> None:
    """Add the `users` and `tokens` sub-commands to the CLI's sub-parsers."""
    users = sub.add_parser("users", help="manage sign-in accounts")
    u = users.add_subparsers(dest="action", required=True)
    add = u.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=auth.ROLES)
    add.add_argument("--districts", default="", help="e.g. 0100;0200 (default: every district)")
    add.add_argument("--display-name", default="")
    _password_options(add)
    passwd = u.add_parser("passwd", help="set a new password (ends the user's sessions)")
    passwd.add_argument("name")
    _password_options(passwd)
    for action in ("disable", "enable"):
        one = u.add_parser(action, help=f"{action} an account")
        one.add_argument("name")
    u.add_parser("list", help="list accounts").add_argument("--json", action="store_true")
    toks = sub.add_parser("tokens", help="manage per-district ingest API tokens")
    t = toks.add_subparsers(dest="action", required=True)
    tadd = t.add_parser("add", help="create a token (printed once)")
    tadd.add_argument("--district", required=True)
    tadd.add_argument("--label", default="")
    t.add_parser("revoke", help="revoke a token").add_argument("token_id", type=int)
    t.add_parser("list", help="list tokens").add_argument("--json", action="store_true")


def _password_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    group.add_argument("--generate", action="store_true", help="make a random one, print once")


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    if args.generate:
        return auth.new_password(), True
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise auth.AuthError("the two passwords differ")
    return first, False


def _engine(settings: Settings) -> Engine:
    engine = db.engine_from_settings(settings)
    db.create_schema(engine)
    return engine


def _actor() -> str:
    return "cli:" + getpass.getuser()


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    """`users add|passwd|disable|enable|list`."""
    engine = _engine(settings)
    try:
        if args.action == "list":
            frame = auth.list_users(engine)
            _print(frame.to_dict("records"), args.json, ["username", "role", "districts", "active"])
        elif args.action == "add":
            password, generated = _password(args)
            user = auth.add_user(
                engine,
                args.name,
                args.role,
                password,
                districts=args.districts,
                display_name=args.display_name,
                actor=_actor(),
            )
            print(f"added {user.username} ({user.role}, {','.join(user.districts) or 'all'})")
            if generated:
                print(f"password (shown once): {password}")
        elif args.action == "passwd":
            password, generated = _password(args)
            auth.set_password(engine, args.name, password, actor=_actor())
            print(f"password of {args.name} changed; its sessions ended")
            if generated:
                print(f"password (shown once): {password}")
        else:
            auth.set_active(engine, args.name, args.action == "enable", actor=_actor())
            print(f"{args.name} {args.action}d")
    except auth.AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_tokens(args: argparse.Namespace, settings: Settings) -> int:
    """`tokens add|revoke|list`."""
    engine = _engine(settings)
    try:
        if args.action == "list":
            frame = tokens.list_tokens(engine)
            columns = ["token_id", "district_code", "label", "revoked_at"]
            _print(frame.to_dict("records"), args.json, columns)
        elif args.action == "add":
            token_id, secret = tokens.create_token(engine, args.district, args.label, _actor())
            print(f"token {token_id} for district {args.district} (shown once): {secret}")
        else:
            tokens.revoke_token(engine, args.token_id, _actor())
            print(f"token {args.token_id} revoked")
    except auth.AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _print(rows: list[dict[str, Any]], as_json: bool, columns: list[str]) -> None:
    if as_json:
        print(json.dumps(rows, default=str, ensure_ascii=False))
        return
    for row in rows:
        print("\t".join(str(row.get(c, "")) for c in columns))


COMMANDS: dict[str, Command] = {"users": cmd_users, "tokens": cmd_tokens}
