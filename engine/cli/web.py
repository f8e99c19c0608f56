"""`scorecard serve` (the web page) and `scorecard users add` (its logins)."""
from __future__ import annotations

from pathlib import Path

import click

from engine.cli.common import cli

DEFAULT_USERS = Path("scorecard-users.json")


@cli.command()
@click.option("--store", default=None, metavar="PATH|URL",
              help="历史库：SQLite 文件或 postgresql:// 地址（默认不保存，结果只在内存中）/ history store: a SQLite file or a "
                   "postgresql:// URL (default: no store, runs kept in memory)")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；不是 127.0.0.1/localhost 时必须登录（--users）/ address to listen on; anything but "
                   "127.0.0.1/localhost requires logins (--users)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口 / port")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"用户文件，由 `scorecard users add` 生成（需要登录时默认 {DEFAULT_USERS}）/ user list made by "
                   f"`scorecard users add` (default {DEFAULT_USERS} when logins are required)")
@click.option("--login/--no-login", "login", default=None,
              help="本机地址也要求登录（默认只在其他地址要求）/ require logins even on 127.0.0.1 (default: only on other "
                   "addresses)")
@click.option("--max-upload-mb", default=20, show_default=True, type=click.IntRange(1, 1024),
              help="上传工作簿的大小上限（MB）/ largest workbook accepted, in MB")
def serve(store: str | None, host: str, port: int, users_file: Path | None, login: bool | None,
          max_upload_mb: int) -> None:
    """启动网页：上传、检查、查看、逐人说明、假设分析、下载。/ Start the web page: upload, check, see, explain,
    decide, download."""
    import uvicorn

    from engine.web.app import LoginMissing, WebConfig, create_app
    from engine.web.security import is_loopback

    if login is False and not is_loopback(host):
        raise click.UsageError("--no-login is refused on a non-loopback address / 非本机地址必须登录")
    needs_login = login if login is not None else not is_loopback(host)
    if needs_login and users_file is None:
        users_file = DEFAULT_USERS
    config = WebConfig(host=host, store=store, users_file=users_file, require_login=login,
                       upload_limit=max_upload_mb * 1024 * 1024)
    from sqlalchemy.exc import SQLAlchemyError

    from engine.store.db import StoreError

    try:
        app = create_app(config)
    except (LoginMissing, StoreError) as exc:
        raise click.UsageError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise click.UsageError(f"无法打开存储库 / cannot open the store: {getattr(exc, 'orig', exc)}") from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"打开浏览器访问 http://{shown}:{port}/ （按 Ctrl+C 停止）/ open http://{shown}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


@cli.group()
def users() -> None:
    """网页的登录用户（网页对本机以外开放时需要）。/ Logins for the web page (needed when it listens beyond this
    machine)."""


@users.command("add")
@click.argument("name")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_USERS,
              show_default=True, help="用户文件（JSON，密码以 scrypt 散列保存）/ the user list file (JSON, passwords stored as scrypt hashes)")
@click.password_option("--password", prompt="密码 / password", help="密码（不给出时提示输入）/ the password (prompted when omitted)")
def users_add(name: str, users_file: Path, password: str) -> None:
    """添加用户 NAME（或为其设置新密码）。/ Add user NAME (or set a new password for NAME)."""
    from engine.web.security import UserFile

    if len(password) < 8:
        raise click.BadParameter("至少 8 个字符 / at least 8 characters", param_hint="--password")
    try:
        UserFile(users_file).add(name, password)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    click.echo(f"用户 {name} 已写入 {users_file} / user {name} saved in {users_file}")
