"""`parse-clone` subcommands other than `serve`: `schema` (load, export, docs, check) and `demo` (seed)."""
