"""The repository's Markdown as a newcomer uses it: links resolve, commands run from a clone, examples fit."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.support.markdown import REPO, anchors, code_blocks, curl_invocations, links, markdown_files, prose

FILES = markdown_files()
IDS = [str(p.relative_to(REPO)) for p in FILES]
SHELL = ("sh", "bash", "shell", "")
BODY_FLAGS = ("-d", "--data", "--data-raw", "--data-binary")
JSON_TYPE = "Content-Type: application/json"


def _broken_links(path: Path, root: Path = REPO) -> list[str]:
    broken = []
    for line, target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / unquote(file_part)).resolve() if file_part else path
        if not resolved.is_relative_to(root):
            broken.append(f"line {line}: {target} points outside the repository")
        elif not resolved.exists():
            broken.append(f"line {line}: {target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"line {line}: {target}: no heading with anchor #{anchor}")
    return broken


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_relative_link_resolves_to_a_file_and_anchor_of_the_repository(path):
    assert _broken_links(path) == []


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_no_page_refers_to_files_beside_the_clone(path):
    assert "../shared/" not in path.read_text()


def test_the_link_check_finds_a_missing_file_an_outside_path_and_a_missing_anchor(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Real heading, here\n")
    page = tmp_path / "docs" / "page.md"
    page.write_text("# Here\n[a](missing.md) [b](../../outside.md) [c](other.md#nope)\n"
                    "[d](other.md#real-heading-here) [e](#here) [f](https://example.com/x) `[g](code.md)`\n")
    assert _broken_links(page, root=tmp_path) == [
        "line 2: missing.md: no such file",
        "line 2: ../../outside.md points outside the repository",
        "line 2: other.md#nope: no heading with anchor #nope",
    ]


def _curls() -> list[tuple[str, list[str]]]:
    found = []
    for path in FILES:
        for block in code_blocks(path):
            if block.lang in SHELL:
                found += [(f"{path.relative_to(REPO)}:{block.line}", words) for words in curl_invocations(block)]
    return found


def test_the_docs_have_curl_examples():
    assert len([where for where, _ in _curls() if where.startswith("README.md")]) >= 10


@pytest.mark.parametrize(("where", "words"), _curls(), ids=[where for where, _ in _curls()])
def test_a_curl_example_that_sends_a_body_says_it_is_json(where, words):
    sends_body = any(w in BODY_FLAGS or w.startswith(("--data=", "-d{")) for w in words) and "-G" not in words
    headers = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-H", "--header")]
    assert not sends_body or JSON_TYPE in headers, " ".join(words)


def test_commands_in_the_docs_name_the_virtualenvs_parse_clone():
    """`make install` puts parse-clone in .venv/bin, not on PATH."""
    bare = []
    for path in FILES:
        spans = re.findall(r"`(parse-clone [^`]*)`", re.sub(r"<!--.*?-->", "", path.read_text(), flags=re.S))
        bare += [f"{path.relative_to(REPO)}: `{span}`" for span in spans]
        for block in code_blocks(path):
            if block.lang in SHELL:
                bare += [f"{path.relative_to(REPO)}:{block.line}: {line.strip()}" for line in block.text.splitlines()
                         if re.match(r"\s*parse-clone\s", line)]
    assert bare == []


def test_example_cloud_files_do_not_collide_with_the_templates():
    """An example copied into cloud/ must not replace one of the template's files."""
    named = [(path, m.group(1)) for path in FILES for block in code_blocks(path) if block.lang == "python"
             for m in [re.match(r"# (cloud/\w+\.py)", block.text)] if m]
    assert named, "the docs show example cloud files"
    assert [f"{p.relative_to(REPO)}: {name}" for p, name in named if (REPO / name).exists()] == []
