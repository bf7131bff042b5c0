"""The `parse-clone` command: `serve` (and more subcommands as the project grows)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import traceback
from dataclasses import fields

from aiohttp import web

from .app import build_app, build_server
from .cloud.errors import CloudLoadError
from .commands import demo as demo_command
from .commands import schema as schema_command
from .config import ServerConfig, load_config
from .schema_loader import PlanRefused, SchemaFileError


def _serve_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("serve", help="run the server")
    p.add_argument("--config", help="JSON config file (Parse Server option names)")
    for f in fields(ServerConfig):
        p.add_argument(f"--{f.name}", dest=f.name, default=None, metavar=f.name.upper())
    p.add_argument("--no-schema", action="store_true", help="do not load a schema file on start")
    p.add_argument("--no-cloud", action="store_true", help="do not load cloud code")
    return p


def serve(args: argparse.Namespace) -> None:
    """Start the HTTP server until SIGINT/SIGTERM (aiohttp shuts down gracefully)."""
    overrides = {f.name: getattr(args, f.name) for f in fields(ServerConfig)}
    config = load_config(args.config, overrides)
    config.schema = schema_option(config.schema, args.no_schema)
    config.cloud = cloud_path(config.cloud, args.no_cloud)
    logging.basicConfig(level=logging.DEBUG if config.verbose else getattr(logging, config.logLevel.upper(),
                                                                            logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
    except ValueError as e:  # a bad option value (schema, emailAdapter, accountLockout, passwordPolicy, ...)
        print(f"parse-clone: not starting, an option is invalid: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    app = build_app(server)
    print(f"parse-clone serving {config.public_url()} (appId {config.appId}, database {config.databaseURI})",
          flush=True)
    try:
        import uvloop  # a faster event loop where available

        loop = uvloop.new_event_loop()
    except ImportError:  # pragma: no cover - Windows
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        web.run_app(app, host=config.host, port=int(config.port), print=None, access_log=None,
                    shutdown_timeout=10, loop=loop)
    except PlanRefused as e:  # schema.strict: a refused change stops the start
        print(f"parse-clone: not starting, the defined schemas were not applied: {e}", file=sys.stderr, flush=True)
        sys.exit(1)


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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    parser = argparse.ArgumentParser(prog="parse-clone", description="A Parse-compatible backend in Python")
    sub = parser.add_subparsers(dest="command", required=True)
    _serve_parser(sub)
    schema_command.register(sub)
    demo_command.register(sub)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args)
    elif args.command == "schema":
        sys.exit(schema_command.run(args))
    elif args.command == "demo":
        sys.exit(demo_command.run(args))
    else:  # pragma: no cover - argparse rejects unknown commands
        parser.print_help()
        sys.exit(2)
