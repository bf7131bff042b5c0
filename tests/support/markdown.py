"""Reading the repository's Markdown: its files, fenced code blocks, links, headings' anchors, curl commands."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {"node_modules", ".venv", ".git", "data"}

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)
_ASSIGNMENT = re.compile(r"(?:^|;\s*)(\w+)='([^']*)'", re.M)


@dataclass(frozen=True)
class Block:
    """A fenced code block: its file, the line of its fence, its language and text."""

    path: Path
    line: int
    lang: str
    text: str


def markdown_files() -> list[Path]:
    """Every *.md file of the repository, outside node_modules, the virtualenv and data."""
    return sorted(p for p in REPO.rglob("*.md") if not SKIPPED_DIRS & set(p.relative_to(REPO).parts))


def code_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file."""
    text = path.read_text()
    return [Block(path, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2)) for m in _FENCE.finditer(text)]


def prose(path: Path) -> str:
    """The file without its fenced blocks and inline code spans (where links are links)."""
    blank = lambda m: "\n" * m.group(0).count("\n")  # noqa: E731 (keeps line numbers)
    text = re.sub(r"<!--.*?-->", blank, _FENCE.sub(blank, path.read_text()), flags=re.S)
    return re.sub(r"`[^`\n]*`", "``", text)


def links(path: Path) -> list[tuple[int, str]]:
    """(line, target) of each inline link and image of the file."""
    text = prose(path)
    return [(text.count("\n", 0, m.start()) + 1, m.group(1))
            for m in re.finditer(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text)]


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the file's headings (lower case, punctuation dropped, spaces to -)."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", prose(path), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        n, candidate = 1, slug
        while candidate in found:
            candidate, n = f"{slug}-{n}", n + 1
        found.add(candidate)
    return found


def shell_commands(block: Block) -> list[list[str]]:
    """The words of each command line of a shell block: continuations and quotes spanning lines joined."""
    commands: list[list[str]] = []
    pending = ""
    for line in block.text.splitlines():
        if not pending and line.lstrip().startswith("#"):
            continue
        pending += line + "\n"
        if pending.endswith("\\\n"):
            continue
        try:
            words = shlex.split(pending, comments=True)
        except ValueError:  # a quote still open: the command goes on on the next line
            continue
        pending = ""
        if words:
            commands.append(words)
    return commands


def curl_invocations(block: Block) -> list[list[str]]:
    """Each curl command of a shell block, from `curl` to a pipe, the block's VAR='...' values expanded."""
    variables = dict(_ASSIGNMENT.findall(block.text))
    found: list[list[str]] = []
    for words in shell_commands(block):
        starts = [i for i, w in enumerate(words) if w == "curl" or w.endswith("$(curl")]
        for start in starts:
            end = next((i for i in range(start + 1, len(words)) if words[i] in ("|", "||", "&&", ";")), len(words))
            found.append(["curl", *(variables.get(w[1:], w) if w.startswith("$") else w for w in words[start + 1:end])])
    return found
