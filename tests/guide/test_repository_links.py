"""What the README and the documents point to is inside the repository: a clone has all of it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {
    ".git",
    ".venv",
    "node_modules",
    "var",
    "test-artifacts",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".hypothesis",
}
TEXT = {".md", ".py", ".html", ".txt", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".js", ".mjs", ".css", ".json", ""}
OUTSIDE = re.compile(r"\.\./shared|/work/(main|shared|briefs)|\.\./\.\./[\w-]+\.md")


def _repository_files() -> list[Path]:
    """The files a clone has: git's list when this is a checkout (caches and tools' files are not in it)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        return [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        return [p for p in ROOT.rglob("*") if not any(part in SKIP for part in p.relative_to(ROOT).parts)]


def _text_files() -> list[Path]:
    found = []
    for path in _repository_files():
        if any(part in SKIP for part in path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in TEXT and path.stat().st_size < 2_000_000:
            found.append(path)
    assert len(found) > 100, "the walk found hardly any files"
    return found


def test_no_file_points_outside_the_repository():
    offenders = []
    for path in _text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert not offenders, offenders


def test_the_documents_the_readme_names_are_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:docs|bench|tests|luzhi|frontend)/[\w./-]+)`", readme))
    assert {"docs/DESIGN.md", "docs/API.md", "docs/STYLE.md", "docs/guide/README.md"} <= named
    missing = [name for name in sorted(named) if not (ROOT / name).exists()]
    assert not missing, missing


def test_relative_links_in_the_documents_resolve():
    broken = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = re.sub(r"```.*?```|`[^`\n]*`", "", doc.read_text(encoding="utf-8"), flags=re.S)  # code is not a link
        for target in re.findall(r"\]\(([^)\s#]+)[^)]*\)", text):
            if re.match(r"^[a-z]+:|^/", target):
                continue  # a web address, or a path on the running site (/help/…)
            if not (doc.parent / target).resolve().is_relative_to(ROOT) or not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} → {target}")
    assert not broken, broken
