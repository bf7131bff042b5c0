"""SQLite only, opt-in micro-benchmark: PARSE_CLONE_BENCH=1 pytest tests/storage/test_sqlite_bench.py -s

Times, on a WAL file with the default synchronous=NORMAL: 10k creates, 10k gets by
objectId with an `_rperm` filter, and 1k finds on an indexed equality (10 matches
each, with the ACL filter and Parse's default limit of 100).
"""

from __future__ import annotations

import os
import time

import pytest

from parse_clone.storage.base import FindOptions
from parse_clone.storage.sqlite import SQLiteAdapter

from .conftest import make_doc, make_schema, pointer

pytestmark = pytest.mark.skipif(not os.environ.get("PARSE_CLONE_BENCH"), reason="set PARSE_CLONE_BENCH=1 to run")

JOB = make_schema("Job", title="String", status="String", hours="Number", tech="Pointer:_User", tags="Array")
N = 10_000
ACL = {"$in": [None, "*", "u7"]}


async def test_micro_benchmark(tmp_path):
    a = SQLiteAdapter(str(tmp_path / "bench.sqlite3"))
    await a.connect()
    await a.create_class("Job", JOB)
    await a.create_index("Job", JOB, "status_1", {"status": 1})
    docs = [make_doc(f"job{i:06d}", title=f"Job number {i}", status=f"s{i % 1000}", hours=i % 9,
                     tech=pointer("_User", f"u{i % 50}"), tags=["a", "b"], _rperm=["*", f"u{i % 50}"],
                     _wperm=[f"u{i % 50}"]) for i in range(N)]

    start = time.perf_counter()
    for d in docs:
        await a.create_object("Job", JOB, d)
    creates = time.perf_counter() - start

    start = time.perf_counter()
    for i in range(N):
        got = await a.find("Job", JOB, {"objectId": f"job{i:06d}", "_rperm": ACL}, FindOptions(limit=1))
        assert len(got) == 1
    gets = time.perf_counter() - start

    start = time.perf_counter()
    for i in range(1000):
        got = await a.find("Job", JOB, {"status": f"s{i}", "_rperm": ACL}, FindOptions(limit=100))
        assert len(got) == 10
    finds = time.perf_counter() - start
    await a.close()

    print(f"\n10k creates: {creates:.2f}s ({N / creates:,.0f}/s)"
          f"\n10k gets by objectId + _rperm: {gets:.2f}s ({N / gets:,.0f}/s)"
          f"\n1k indexed-equality finds (10 rows each, _rperm, limit 100): {finds:.2f}s ({1000 / finds:,.0f}/s)")
