"""The `parse-clone` command: `serve` (and more subcommands as the project grows)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import traceback
from typing import NoReturn

from aiohttp import web

from . import PARSE_SERVER_VERSION, __version__
from .app import build_app, build_server
from .cloud.errors import CloudLoadError
from .commands import demo as demo_command
from .commands import schema as schema_command
from .commands.option_flags import add_option_flags, bare_booleans, flag_values
from .cluster import is_worker, run_cluster, worker_count
from .config import ServerConfig, load_config
from .config_sources import unknown_option
from .logs.setup import configure_logging
from .option_spec import ConfigError
from .commands.verify_url import verify_server_url
from .schema_loader import PlanRefused, SchemaFileError


_USAGE_NOTE = """The options are Parse Server's: the same flags, the same environment variables and the same
JSON config file (options at the top level, or {"apps": [{...}]} with one app). Precedence: flags,
then environment variables, then the config file, then the defaults. docs/configuration.md lists
every option and its state here."""


def _serve_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("serve", help="run the server (also: parse-clone config.json, parse-clone --appId ...)",
                       usage="parse-clone serve [config.json] [--option value ...]",
                       description="Run the server.", epilog=_USAGE_NOTE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config_file", nargs="?", metavar="config.json",
                   help="JSON config file, as Parse Server's (also --config)")
    p.add_argument("--config", help="JSON config file (same as the positional argument)")
    p.add_argument("--version", action="version", version=_version())
    p.add_argument("--no-schema", action="store_true", help="do not load a schema file on start")
    p.add_argument("--no-cloud", action="store_true", help="do not load cloud code")
    add_option_flags(p)
    return p


def _version() -> str:
    return f"parse-clone {__version__} (Parse Server {PARSE_SERVER_VERSION} API)"


def _fail(message: str) -> NoReturn:
    print(f"parse-clone: not starting: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def serve(args: argparse.Namespace) -> None:
    """Start the HTTP server until SIGINT/SIGTERM (aiohttp shuts down gracefully)."""
    if args.config_file and args.config and args.config_file != args.config:
        _fail(f"two config files given ({args.config_file} and --config {args.config})")
    warnings: list[str] = []
    try:
        config = load_config(args.config_file or args.config, flag_values(args), warnings=warnings)
    except ConfigError as e:
        _fail(str(e))
    for message in warnings + _default_key_warnings(config):
        print(f"parse-clone: warning: {message}", file=sys.stderr, flush=True)
    config.schema = schema_option(config.schema, args.no_schema)
    config.cloud = cloud_path(config.cloud, args.no_cloud)
    try:
        configure_logging(config)  # console and ./logs files, as Parse Server's logger (parse_clone/logs)
    except ValueError as e:
        print(f"parse-clone: not starting, an option is invalid: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    if config.databaseURI.startswith("sqlite:///./"):
        os.makedirs(os.path.dirname(config.databaseURI[len("sqlite:///"):]) or ".", exist_ok=True)
    try:
        server = build_server(config)
    except CloudLoadError as e:
        _report_cloud_error(e)
        sys.exit(1)
    except SchemaFileError as e:
        print(f"parse-clone: not starting, the schema option is invalid: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    except ConfigError as e:
        _fail(str(e))
    except ValueError as e:  # a bad option value (schema, emailAdapter, accountLockout, passwordPolicy, ...)
        print(f"parse-clone: not starting, an option is invalid: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    if config.cluster and not is_worker():
        sys.exit(run_cluster(server, worker_count(config.cluster), sys.argv[1:]))
    app = build_app(server)
    if config.verifyServerUrl:
        async def verify(_: web.Application) -> None:
            asyncio.get_running_loop().create_task(verify_server_url(config))  # after the socket listens
        app.on_startup.append(verify)
    app.on_startup.append(_freeze_startup_objects)
    app.on_startup.append(_collect_less_often)
    print(f"parse-clone serving {config.public_url()} (appId {config.appId}, database {config.databaseURI})"
          + (f", cluster worker {os.getpid()}" if is_worker() else ""), flush=True)
    try:
        import uvloop  # a faster event loop where available

        loop = uvloop.new_event_loop()
    except ImportError:  # pragma: no cover - Windows
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        web.run_app(app, host=config.host, port=int(config.port), print=None, access_log=None,
                    shutdown_timeout=10, loop=loop, reuse_port=is_worker() or None)
    except PlanRefused as e:  # schema.strict: a refused change stops the start
        print(f"parse-clone: not starting, the defined schemas were not applied: {e}", file=sys.stderr, flush=True)
        sys.exit(1)


# Containers allocated (net of those freed) before a young-generation collection; Python's 700 is
# reached inside every /batch, whose sub-requests' objects all live until it answers, so each
# batch was scanned over and over (17% of its CPU). At 50,000 the garbage a collection may wait
# for stays within a few MB.
GC_YOUNG_THRESHOLD = 50_000


async def _collect_less_often(_: web.Application) -> None:
    """Raise the young generation's threshold (GC_YOUNG_THRESHOLD); the older ones keep theirs."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


async def _freeze_startup_objects(_: web.Application) -> None:
    """Move what start-up built (modules, schema caches, GraphQL schema, routes) out of the garbage
    collector's reach: its full collections then scan only what requests make, not the whole server."""
    gc.collect()
    gc.freeze()


def _default_key_warnings(config: ServerConfig) -> list[str]:
    """A production server must not answer to the development keys."""
    defaults = ServerConfig()
    return [f"{name} is not set (env {env}); using the development default {getattr(defaults, name)!r}"
            for name, env in (("appId", "PARSE_SERVER_APPLICATION_ID"), ("masterKey", "PARSE_SERVER_MASTER_KEY"))
            if getattr(config, name) == getattr(defaults, name)]


def cloud_path(option: str | None, disabled: bool, cwd: str = ".") -> str | None:
    """The cloud code to load: --cloud/config, else ./cloud when it exists; None with --no-cloud."""
    if disabled:
        return None
    if option is None and os.path.isdir(os.path.join(cwd, "cloud")):
        return os.path.join(cwd, "cloud") if cwd != "." else "cloud"
    return option


def schema_option(option: str | dict | None, disabled: bool, cwd: str = ".") -> str | dict | None:
    """The schema to define: --schema/config, else ./schema.json when it exists; None with --no-schema."""
    if disabled:
        return None
    if option is None and os.path.isfile(os.path.join(cwd, "schema.json")):
        return os.path.join(cwd, "schema.json") if cwd != "." else "schema.json"
    return option


def _report_cloud_error(error: CloudLoadError) -> None:
    """A broken hook file: where, what, and the traceback of the cause."""
    cause = error.__cause__
    if cause is not None and not isinstance(cause, SyntaxError):
        traceback.print_exception(cause, file=sys.stderr)
    print(f"parse-clone: not starting, cloud code failed to load: {error}", file=sys.stderr, flush=True)


_COMMANDS = ("serve", "schema", "demo")


def _with_command(argv: list[str]) -> list[str]:
    """Parse Server's forms: `parse-clone config.json` and `parse-clone --appId ...` mean `serve`."""
    if argv and argv[0] not in _COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        argv = ["serve", *argv]
    return bare_booleans(argv) if argv and argv[0] == "serve" else argv


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    parser = argparse.ArgumentParser(prog="parse-clone", description="A Parse-compatible backend in Python",
                                     epilog="parse-clone serve --help lists every option.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)
    _serve_parser(sub)
    schema_command.register(sub)
    demo_command.register(sub)
    args, unknown = parser.parse_known_args(_with_command(sys.argv[1:] if argv is None else list(argv)))
    if unknown:
        flag = next((u for u in unknown if u.startswith("-")), unknown[0])
        name = flag.lstrip("-").split("=", 1)[0]
        parser.exit(2, f"parse-clone: not starting: {unknown_option(name, 'a flag', '--')}\n"
                    if flag.startswith("--") else f"parse-clone: unexpected argument {flag!r}\n")
    if args.command == "serve":
        serve(args)
    elif args.command == "schema":
        sys.exit(schema_command.run(args))
    elif args.command == "demo":
        sys.exit(demo_command.run(args))
    else:  # pragma: no cover - argparse rejects unknown commands
        parser.print_help()
        sys.exit(2)
