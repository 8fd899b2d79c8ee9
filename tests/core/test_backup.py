"""manage.py backup / restore: one checksummed archive of every table and every uploaded file."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from luzhi.core.backup import BackupError, backup_models, create_backup, restore_backup, verify_archive
from luzhi.org.demo import demo_data_load
from luzhi.org.models import Committee, Sector
from luzhi.participation.models import Material
from tests import factories as f
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

FILES = {
    "library/2026/规章制度.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 40,
    "evidence/a/b/photo.png": b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 5000,
    "notices/empty.txt": b"",
}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, every column, in primary-key order."""
    tables = {}
    for model in backup_models():
        columns = [field.attname for field in model._meta.local_concrete_fields]
        tables[model._meta.label_lower] = list(model._base_manager.order_by("pk").values_list(*columns))
    return tables


def assert_same(after: dict[str, list[tuple]], before: dict[str, list[tuple]]) -> None:
    """Table by table, so that a difference names its table and first differing row."""
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert len(after[label]) == len(rows), label
        for got, want in zip(after[label], rows, strict=True):
            assert got == want, label


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def wipe(media: Path) -> None:
    """An empty installation: migrated tables without data, no uploaded files."""
    if connection.vendor == "postgresql":
        # Inside the test's transaction, rows just written still have foreign-key checks pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert not Committee.objects.exists()


def _uploads(committee: Committee, media: Path) -> Material:
    material = Material.objects.create(committee=committee, kind=Material.Kind.STUDY, title="学习资料", summary="简介")
    material.file.save("学习资料.pdf", ContentFile(b"%PDF-1.4 material"), save=True)
    for relative, content in FILES.items():
        (media / relative).parent.mkdir(parents=True, exist_ok=True)
        (media / relative).write_bytes(content)
    return material


@pytest.fixture
def demo(media: Path) -> dict[str, Any]:
    """The demo committee (records of every app) plus uploads, one of them through a model's FileField."""
    demo_data_load()
    committee = Committee.objects.get(name="示例县政协")
    return {"committee": committee, "material": _uploads(committee, media)}


@pytest.fixture
def data(committee: Committee, users: Any, media: Path) -> dict[str, Any]:
    """A smaller set across apps (committees, members, accounts, a proposal, history) and uploads."""
    proposal = ProposalFactory(committee=committee)
    proposal.title = "关于示例县政协的建议"
    proposal.save()
    return {"committee": committee, "material": _uploads(committee, media), "proposal": proposal}


def test_restore_into_an_empty_database_gives_back_every_row_and_file(
    demo: dict[str, Any], media: Path, tmp_path: Path
) -> None:
    data = demo
    before, files = snapshot(), files_under(media)
    assert sum(len(rows) for rows in before.values()) > 500  # the demo spans every app
    assert len([t for t, rows in before.items() if rows]) > 40
    archive = tmp_path / "backup.tar.gz"
    manifest = create_backup(archive)
    assert manifest["tables"] == {label: len(rows) for label, rows in before.items()}
    # FILES, the study material, and the demo's two meeting papers (activities.demo).
    assert manifest["media_files"] == len(files) == len(FILES) + 3

    wipe(media)
    result = restore_backup(archive)

    assert_same(snapshot(), before)
    assert files_under(media) == files
    assert result.files == len(files)
    # Ids go on after the restored ones (PostgreSQL's sequences were moved past them).
    newest = Sector.objects.order_by("-pk").first()
    assert f.SectorFactory(committee=data["committee"]).pk > newest.pk
    # A restored row keeps its version: an edit made from it saves.
    material = Material.objects.get(pk=data["material"].pk)
    material.title = "改过的标题"
    material.save()
    assert Material.objects.get(pk=material.pk).version == data["material"].version + 1


def test_the_manifest_has_a_checksum_for_every_member(data: dict[str, Any], tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    manifest = verify_archive(archive)
    with tarfile.open(archive, "r:gz") as tar:
        names = {m.name for m in tar.getmembers() if m.isfile()}
    assert names == {*manifest["members"], "manifest.json"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["members"].values())
    assert {n for n in names if n.startswith("media/")} == {f"media/{p}" for p in [*FILES, data["material"].file.name]}


def _rewrite(archive: Path, change: Any) -> None:
    """Rewrite a valid archive with one member's bytes changed (gzip and tar stay well-formed)."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for member, content in members:
            if content is not None:
                content = change(member.name, content)
                member.size = len(content)
            tar.addfile(member, io.BytesIO(content) if content is not None else None)
    archive.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("damage", ["tampered member", "truncated", "flipped byte", "no manifest"])
def test_a_damaged_archive_is_refused_before_anything_is_written(
    damage: str, data: dict[str, Any], media: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    if damage == "tampered member":
        _rewrite(archive, lambda name, b: b.replace("示例县政协".encode(), "示例市政协".encode()))
    elif damage == "truncated":
        archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif damage == "flipped byte":
        raw = bytearray(archive.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        archive.write_bytes(bytes(raw))
    else:
        _rewrite(archive, lambda name, b: b"{}" if name == "manifest.json" else b)
    wipe(media)
    f.CommitteeFactory(name="恢复前已有的政协")
    before, files = snapshot(), files_under(media)

    with pytest.raises(BackupError) as refused:
        restore_backup(archive, force=True)

    assert any(word in str(refused.value) for word in ("损坏", "校验", "清单", "不是录职系统的备份")), refused.value
    assert_same(snapshot(), before)
    assert files_under(media) == files
    assert not list(media.parent.glob(".luzhi-restore-*"))


def test_a_database_in_use_is_refused_unless_forced(data: dict[str, Any], media: Path, tmp_path: Path) -> None:
    before, files = snapshot(), files_under(media)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), verbosity=0)
    Sector.objects.create(committee=data["committee"], name="备份之后新增的界别")

    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("restore", str(archive), verbosity=0)
    assert Sector.objects.filter(name="备份之后新增的界别").exists()

    call_command("restore", str(archive), "--force", verbosity=0)
    assert_same(snapshot(), before)
    assert files_under(media) == files
    assert not Sector.objects.filter(name="备份之后新增的界别").exists()


def test_backup_to_a_folder_names_the_archive_by_time(data: dict[str, Any], tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out)
    made = list(tmp_path.glob("luzhi-*.tar.gz"))
    assert len(made) == 1
    assert "已备份" in out.getvalue()
    with gzip.open(made[0]) as raw, tarfile.open(fileobj=raw) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == "luzhi-backup"
    assert manifest["tables"]["org.committee"] == Committee.objects.count()


def test_an_archive_from_a_newer_schema_is_refused(data: dict[str, Any], media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)

    def newer(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["migrations"]["org"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    _rewrite(archive, newer)
    wipe(media)
    with pytest.raises(BackupError, match="9999_from_the_future"):
        restore_backup(archive)
    assert not Committee.objects.exists()


def test_a_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "nope.tar.gz"), verbosity=0)
