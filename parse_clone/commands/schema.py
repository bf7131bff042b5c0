"""`parse-clone schema load | export | docs | check`: schema files for admins.

`load` and `export` talk to a running server over /schemas with the master key (default
http://localhost:1337/parse, or --serverURL), or, with --databaseURI, straight to the database
(best while no server is running: a running server picks the change up on its next schema reload).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from contextlib import asynccontextmanager
from typing import AsyncIterator

import aiohttp

from ..config import ServerConfig, load_config
from ..core.schema.clp import default_clp
from ..errors import ParseError
from ..core.schema.controller import SchemaController
from ..schema_loader import (
    ControllerTarget,
    LoadOptions,
    SchemaFileError,
    SchemaTarget,
    apply_plan,
    export_document,
    format_plan,
    plan_load,
    read_schema_file,
)
from ..schema_loader.docs import render, replace_section
from ..schema_loader.document import dump_document
from ..storage import open_adapter
from .remote import HttpSchemaTarget, ParseRest, RemoteError


def add_target_arguments(p: argparse.ArgumentParser, database: bool = True) -> None:
    """Where to find the server (or, with `database`, the database) and its keys; defaults as for `serve`."""
    p.add_argument("--config", help="JSON config file (Parse Server option names)")
    p.add_argument("--serverURL", help="the running server (default http://localhost:<port><mountPath>)")
    p.add_argument("--appId")
    p.add_argument("--masterKey")
    if database:
        p.add_argument("--databaseURI", help="work on this database directly instead of a running server")
        p.add_argument("--collectionPrefix")


def server_url(args: argparse.Namespace) -> str:
    """The running server's URL the CLI talks to."""
    config = target_config(args)
    return (args.serverURL or config.serverURL or f"http://localhost:{config.port}{config.mount}").rstrip("/")


def target_config(args: argparse.Namespace) -> ServerConfig:
    """The configuration (flags, PARSE_SERVER_* variables, --config file) the CLI talks with."""
    return load_config(args.config, {
        "appId": args.appId, "masterKey": args.masterKey, "serverURL": args.serverURL,
        "databaseURI": getattr(args, "databaseURI", None), "collectionPrefix": getattr(args, "collectionPrefix", None)})


@asynccontextmanager
async def open_target(args: argparse.Namespace) -> AsyncIterator[SchemaTarget]:
    """The database (--databaseURI) or the running server's /schemas."""
    config = target_config(args)
    if args.databaseURI:
        if config.databaseURI.startswith("sqlite:///"):
            os.makedirs(os.path.dirname(config.databaseURI[len("sqlite:///"):]) or ".", exist_ok=True)
        storage = open_adapter(config.databaseURI, config.collectionPrefix)
        await storage.connect()
        try:
            yield ControllerTarget(SchemaController(storage, custom_ids=config.allowCustomObjectId))
        finally:
            await storage.close()
        return
    async with aiohttp.ClientSession() as session:
        yield HttpSchemaTarget(ParseRest.for_config(server_url(args), config, session))


def register(sub: argparse._SubParsersAction) -> None:
    """Add `schema` and its subcommands."""
    p = sub.add_parser("schema", help="load, export and document schema files")
    cmds = p.add_subparsers(dest="schema_command", required=True)
    load = cmds.add_parser("load", help="validate a schema file, print the plan, apply it")
    load.add_argument("file")
    load.add_argument("--dry-run", action="store_true", help="print the plan only")
    load.add_argument("--allow-type-change", action="store_true",
                      help="recreate fields whose type changed (their data is deleted): recreateModifiedFields")
    load.add_argument("--delete-extra-fields", action="store_true",
                      help="drop fields the file does not list (their data is deleted): deleteExtraFields")
    load.add_argument("--keep-unknown-indexes", action="store_true",
                      help="keep indexes the file does not list instead of dropping them: keepUnknownIndexes")
    add_target_arguments(load)
    export = cmds.add_parser("export", help="write the current schemas as a schema file")
    export.add_argument("--out", help="file to write (default: standard output)")
    add_target_arguments(export)
    docs = cmds.add_parser("docs", help="data dictionary (Markdown) and ER diagram (Mermaid) of a schema file")
    docs.add_argument("file", nargs="?", default="schema.json")
    docs.add_argument("--out", help="file to write (default: standard output)")
    docs.add_argument("--readme", help="replace the schema-docs section of this Markdown file instead")
    check = cmds.add_parser("check", help="validate a schema file")
    check.add_argument("file")


def run(args: argparse.Namespace) -> int:
    """Run a `schema` subcommand; the exit status."""
    try:
        if args.schema_command == "check":
            doc = read_schema_file(args.file)
            print(f"{args.file}: valid ({len(doc.classes)} classes)")
            return 0
        if args.schema_command == "docs":
            return _docs(args)
        if args.schema_command == "export":
            return asyncio.run(_export(args))
        return asyncio.run(_load(args))
    except SchemaFileError as e:
        print(f"{e.source}: invalid schema file, nothing applied ({len(e.problems)} problem(s)):", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (ParseError, RemoteError) as e:
        text = f"{e.code} {e.message}" if isinstance(e, ParseError) else str(e)
        print(f"parse-clone schema {args.schema_command}: {text}", file=sys.stderr)
        return 1


async def _load(args: argparse.Namespace) -> int:
    document = read_schema_file(args.file)
    options = LoadOptions(recreate_modified_fields=args.allow_type_change, delete_extra_fields=args.delete_extra_fields,
                          keep_unknown_indexes=args.keep_unknown_indexes)
    async with open_target(args) as target:
        plan = await plan_load(document, target, options)
        print(format_plan(plan))
        if plan.refused:
            print("Refused changes: nothing applied.", file=sys.stderr)
            return 1
        if args.dry_run:
            print("Dry run: nothing applied.")
            return 0
        if plan.is_empty:
            return 0
        done = await apply_plan(plan, target)
    for line in done:
        print(f"  {line}")
    print("Applied.")
    return 0


async def _export(args: argparse.Namespace) -> int:
    async with open_target(args) as target:
        schemas = await target.schemas()
    text = dump_document(export_document(list(schemas.values()), default_clp()))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _docs(args: argparse.Namespace) -> int:
    generated = render(read_schema_file(args.file))
    if args.readme:
        with open(args.readme, encoding="utf-8") as fh:
            text = fh.read()
        try:
            updated = replace_section(text, generated)
        except ValueError as e:
            print(f"{args.readme}: {e}", file=sys.stderr)
            return 1
        with open(args.readme, "w", encoding="utf-8") as fh:
            fh.write(updated)
        print(f"updated {args.readme}", file=sys.stderr)
    elif args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(generated)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(generated)
    return 0
