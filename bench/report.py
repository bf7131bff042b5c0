"""Tables and JSON for benchmark results."""

from __future__ import annotations

from collections.abc import Sequence

from bench.runner import Result

SATURATED_CPU = 0.9


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0])] + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def single_table(results: Sequence[Result]) -> str:
    header = ["scenario", "requests", "req/s", "p50 ms", "p99 ms", "errors"]
    rows = [
        [
            r.scenario,
            str(r.requests),
            f"{r.rps:.1f}",
            f"{r.p50_ms:.2f}",
            f"{r.p99_ms:.2f}",
            str(r.errors),
        ]
        for r in results
    ]
    return _table(header, rows)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def comparison_table(label_a: str, a: Sequence[Result], label_b: str, b: Sequence[Result]) -> str:
    header = [
        "scenario",
        f"{label_a} req/s",
        f"{label_b} req/s",
        f"{label_a}/{label_b}",
        f"{label_a} p50",
        f"{label_b} p50",
        f"{label_a} p99",
        f"{label_b} p99",
        f"{label_a} err",
        f"{label_b} err",
    ]
    rows = [
        [
            x.scenario,
            f"{x.rps:.1f}",
            f"{y.rps:.1f}",
            ratio(x.rps, y.rps),
            f"{x.p50_ms:.2f}",
            f"{y.p50_ms:.2f}",
            f"{x.p99_ms:.2f}",
            f"{y.p99_ms:.2f}",
            str(x.errors),
            str(y.errors),
        ]
        for x, y in zip(a, b, strict=True)
    ]
    return (
        _table(header, rows)
        + "\n(latencies in ms; ratio = throughput of the first over the second)"
    )


def notes(label: str, results: Sequence[Result]) -> list[str]:
    """Error samples and load-generator saturation, worth reading before the numbers."""
    lines: list[str] = []
    for r in results:
        if r.background_requests or r.background_errors:
            lines.append(f"{label} {r.scenario}: {r.background_requests} unmeasured heavy reads answered beside "
                         f"it ({r.background_errors} errors)")
        for sample in r.error_samples:
            lines.append(f"{label} {r.scenario}: error: {sample}")
        if r.client_cpu >= SATURATED_CPU:
            lines.append(
                f"{label} {r.scenario}: load generator used {r.client_cpu:.0%} of a core: "
                "the figure is a lower bound on the server's capacity"
            )
    return lines


def server_json(
    url: str, indexed: bool, seeded: int, results: Sequence[Result]
) -> dict[str, object]:
    return {
        "url": url,
        "indexed": indexed,
        "seeded_objects": seeded,
        "scenarios": {r.scenario: r.as_json() for r in results},
    }
