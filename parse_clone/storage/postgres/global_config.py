"""The `_GlobalConfig` row (Parse Config parameters and which are master-key only)."""

from __future__ import annotations

from typing import Any

from . import statements as st
from .names import CONFIG_CLASS, quote_ident
from .tables import TableCache

_CREATE_CONFIG = (f'CREATE TABLE IF NOT EXISTS {quote_ident(CONFIG_CLASS)} ("objectId" text, "params" jsonb, '
                  '"masterKeyOnly" jsonb, PRIMARY KEY ("objectId"))')


class GlobalConfigStore(TableCache):
    """get_config / set_config on the row "1"."""

    async def get_config(self) -> dict[str, Any]:
        """``{"params", "masterKeyOnly"}`` from the `_GlobalConfig` row "1"."""
        async with self._db.use() as conn:
            rows = await st.fetch(conn, f'SELECT "params", "masterKeyOnly" FROM {quote_ident(CONFIG_CLASS)} '
                                      "WHERE \"objectId\" = '1'", [])
        row = rows[0] if rows else None
        return {"params": (row and row["params"]) or {}, "masterKeyOnly": (row and row["masterKeyOnly"]) or {}}

    async def set_config(self, params: dict[str, Any], master_key_only: dict[str, Any]) -> None:
        """Replace the config row."""
        async with self._db.use() as conn:
            await st.create_ignoring_races(conn, _CREATE_CONFIG)
            await conn.execute(f'INSERT INTO {quote_ident(CONFIG_CLASS)} ("objectId", "params", "masterKeyOnly") '
                               "VALUES ('1', $1, $2) ON CONFLICT (\"objectId\") DO UPDATE SET "
                               '"params" = excluded."params", "masterKeyOnly" = excluded."masterKeyOnly"',
                               params, master_key_only)
