"""Backup and restore: the whole database and every uploaded file in one checksummed archive.

The archive is a tar.gz holding

- `db/NNN_app.model.jsonl` — each table serialised by Django (one JSON object a line), tables
  in dependency order (a table after the tables it refers to), rows in primary-key order,
  read with a server-side iterator so a large table is never held in memory;
- `media/<path>` — every file under MEDIA_ROOT, unchanged;
- `manifest.json` (last) — the SHA-256 and size of every other member, the row count of every
  table, the migrations the database was at, when and from which database vendor.

Because rows go through Django's serialisers, an archive made on SQLite restores on
PostgreSQL and the other way round. `restore` first reads the whole archive and checks every
checksum and count against the manifest (a damaged archive is refused before anything is
written), refuses a database that holds data unless `force`, then empties every table and
loads the rows — with their primary keys — in one transaction, without model `save()`s or
signals (no history rows, no audit entries, no `auto_now` stamps), and on PostgreSQL moves
each id sequence past the highest id. Files are unpacked to a staging folder first and moved
into MEDIA_ROOT only after the database transaction committed.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "luzhi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000
# Rows that `migrate` itself creates in a new database: their presence does not make it "in use".
MIGRATE_FILLED = {"contenttypes.contenttype", "auth.permission"}

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on: a damaged archive, a database in use, …"""


@dataclass
class RestoreResult:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0


# ---- which tables, in which order ------------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every table Django manages (auto-created many-to-many tables too), each after those it refers to."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    found.sort(key=lambda m: m._meta.label_lower)
    depends = {
        m: {
            f.related_model._meta.concrete_model
            for f in m._meta.local_concrete_fields
            if f.is_relation
            and f.related_model is not None
            and f.related_model._meta.concrete_model is not None
            and f.related_model._meta.concrete_model is not m
        }
        for m in found
    }
    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()
    visiting: set[type[models.Model]] = set()

    def place(model: type[models.Model]) -> None:
        if model in placed or model in visiting or model not in depends:
            return  # a cycle is broken where it is met: the constraints are checked at commit
        visiting.add(model)
        for dep in sorted(depends[model], key=lambda d: d._meta.label_lower):
            place(dep)
        visiting.discard(model)
        placed.add(model)
        ordered.append(model)

    for model in found:
        place(model)
    return ordered


def _serialised_fields(model: type[models.Model]) -> list[str]:
    # Many-to-many values are left out: their auto-created tables are backed up as tables.
    return [f.name for f in model._meta.local_fields if f.serialize]  # type: ignore[attr-defined]  # not in the stubs


def _member_name(index: int, model: type[models.Model]) -> str:
    return f"db/{index:03d}_{model._meta.label_lower}.jsonl"


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[alias])
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


# ---- checksumming file wrappers -------------------------------------------------------------


class _HashingWriter(io.RawIOBase):
    """A binary file that hashes and counts what is written to it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.sha.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


class _HashingReader(io.RawIOBase):
    """A binary file that hashes what is read from it (tarfile reads exactly the member's size)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha.update(data)
        return data


# ---- backup ---------------------------------------------------------------------------------


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def create_backup(output: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress | None = None) -> dict[str, Any]:
    """Write the database and MEDIA_ROOT to `output` (tar.gz) and return the manifest."""
    say = progress or (lambda _msg: None)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "vendor": connections[using].vendor,
        "migrations": _applied_migrations(using),
        "tables": {},
        "members": {},
    }
    partial = output.with_name(output.name + ".partial")
    with (
        tempfile.TemporaryDirectory(prefix="luzhi-backup-") as tmp,
        tarfile.open(partial, "w:gz", compresslevel=6) as tar,
    ):
        # A repeatable-read snapshot on PostgreSQL: every table is read as of the same moment.
        outermost = not connections[using].in_atomic_block
        with transaction.atomic(using=using):
            if outermost and connections[using].vendor == "postgresql":
                with connections[using].cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for index, model in enumerate(backup_models(), start=1):
                name = _member_name(index, model)
                path = Path(tmp) / f"{index:03d}.jsonl"
                with path.open("wb") as raw:
                    writer = _HashingWriter(raw)
                    # A raw file that takes every write whole, which write_through needs; the stubs want a buffer.
                    text = io.TextIOWrapper(writer, encoding="utf-8", newline="\n", write_through=True)  # type: ignore[type-var]
                    rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK)
                    counter = _Counter(rows)
                    serializers.serialize(
                        "jsonl", counter, fields=_serialised_fields(model), stream=text, cls=_ExactEncoder
                    )
                    text.flush()
                    text.detach()
                manifest["tables"][model._meta.label_lower] = counter.count
                manifest["members"][name] = {"sha256": writer.sha.hexdigest(), "size": writer.size}
                tar.add(path, arcname=name, recursive=False)
                path.unlink()
                say(f"{model._meta.label_lower}: {counter.count} 行")
        files = 0
        for relative, path in _media_files(media_root):
            name = f"media/{relative}"
            info = tar.gettarinfo(str(path), arcname=name)
            with path.open("rb") as source:
                reader = _HashingReader(source)
                tar.addfile(info, reader)
            manifest["members"][name] = {"sha256": reader.sha.hexdigest(), "size": info.size}
            files += 1
        manifest["media_files"] = files
        say(f"上传文件：{files} 个")
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mtime = int(timezone.now().timestamp())
        tar.addfile(info, io.BytesIO(body))
    partial.replace(output)
    return manifest


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class _Counter:
    """Count the rows as the serialiser iterates them."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.count += 1
            yield row


# ---- restore --------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    return name == MANIFEST or (path.parts[0] in {"db", "media"} and len(path.parts) > 1)


def verify_archive(archive: Path) -> dict[str, Any]:
    """Read the whole archive and check every member against the manifest; return the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"备份文件不存在：{archive}")
    seen: dict[str, dict[str, Any]] = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not _safe_member(member.name):
                    raise BackupError(f"备份文件含有不应有的内容：{member.name}")
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"备份文件含有不应有的内容：{member.name}")
                source = tar.extractfile(member)
                assert source is not None
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                sha, size = hashlib.sha256(), 0
                while chunk := source.read(1 << 20):
                    sha.update(chunk)
                    size += len(chunk)
                seen[member.name] = {"sha256": sha.hexdigest(), "size": size}
            # Read on to the end of the gzip stream: its CRC is checked there, and a damaged
            # header that made tar stop early shows up as data after the "end".
            while tar.fileobj.read(1 << 20):
                pass
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        raise BackupError(f"备份文件已损坏，无法读取（{exc}）。未做任何恢复。") from None
    if manifest_bytes is None:
        raise BackupError("备份文件缺少清单 manifest.json，不是完整的备份。未做任何恢复。")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError("备份清单已损坏。未做任何恢复。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("这不是录职系统的备份文件。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受支持。")
    expected = manifest.get("members") or {}
    missing = sorted(set(expected) - set(seen))
    extra = sorted(set(seen) - set(expected))
    changed = sorted(n for n in expected if n in seen and seen[n] != expected[n])
    if missing or extra or changed:
        detail = "；".join(
            part
            for part in (
                f"缺少 {', '.join(missing[:5])}" if missing else "",
                f"多出 {', '.join(extra[:5])}" if extra else "",
                f"校验和不符 {', '.join(changed[:5])}" if changed else "",
            )
            if part
        )
        raise BackupError(f"备份文件校验失败（{detail}）。未做任何恢复。")
    return manifest


def rows_in_use(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """The tables that hold rows `migrate` did not put there (an empty dict: the database is empty)."""
    used = {}
    for model in backup_models():
        label = model._meta.label_lower
        if label not in MIGRATE_FILLED and model._base_manager.using(using).exists():
            used[label] = model._base_manager.using(using).count()
    return used


def _check_migrations(manifest: dict[str, Any], using: str) -> None:
    here = _applied_migrations(using)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if name not in set(here.get(app, []))
    )
    if unknown:
        raise BackupError(
            f"备份来自更新的数据库结构（本库缺少迁移 {', '.join(unknown[:5])}），请先升级程序并 migrate。"
        )


def _rows(tar: tarfile.TarFile, name: str) -> Iterator[str]:
    source = tar.extractfile(name)
    assert source is not None
    yield from io.TextIOWrapper(source, encoding="utf-8")


def _load_table(model: type[models.Model], lines: Iterable[str], using: str) -> int:
    """Insert the rows as they are (primary keys kept; no save(), signals or auto_now)."""
    connection = connections[using]
    fields = list(model._meta.local_concrete_fields)
    manager = model._base_manager.using(using)
    count = 0
    batch: list[models.Model] = []
    size = None

    def flush() -> None:
        nonlocal size
        if not batch:
            return
        size = size or max(1, min(500, connection.ops.bulk_batch_size(fields, batch) or 500))
        for start in range(0, len(batch), size):
            # QuerySet._insert (what bulk_create uses, without its pk and signal handling): not in the stubs.
            manager._insert(batch[start : start + size], fields=fields, using=using, raw=True)  # type: ignore[attr-defined]
        batch.clear()

    try:
        for item in serializers.deserialize("jsonl", lines, using=using):
            obj = item.object
            if type(obj) is not model:
                raise BackupError(f"备份中 {model._meta.label_lower} 的数据含有其他表的行。")
            batch.append(obj)
            count += 1
            if len(batch) >= CHUNK:
                flush()
    except DeserializationError as exc:
        raise BackupError(f"{model._meta.label_lower} 的数据无法读入：{exc}") from None
    flush()
    return count


def _empty_tables(ordered: list[type[models.Model]], using: str) -> None:
    connection = connections[using]
    tables = [m._meta.db_table for m in ordered]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with foreign-key checks still pending in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _reset_sequences(ordered: list[type[models.Model]], using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), ordered)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def restore_backup(
    archive: Path | str, *, using: str = DEFAULT_DB_ALIAS, force: bool = False, progress: Progress | None = None
) -> RestoreResult:
    """Restore an archive made by `create_backup` into this database and MEDIA_ROOT."""
    say = progress or (lambda _msg: None)
    archive = Path(archive)
    manifest = verify_archive(archive)
    say(f"校验通过：{len(manifest['members'])} 个文件，{len(manifest['tables'])} 张表。")
    _check_migrations(manifest, using)
    if not force and (used := rows_in_use(using)):
        sample = "、".join(f"{k}（{v} 行）" for k, v in list(used.items())[:5])
        raise BackupError(f"数据库不是空的：{sample} 等已有数据。确认要覆盖请加 --force。")
    by_label = {m._meta.label_lower: m for m in backup_models()}
    unknown = sorted(set(manifest["tables"]) - set(by_label))
    if unknown:
        raise BackupError(f"备份中的表在本程序中不存在：{', '.join(unknown[:5])}。")
    members = sorted(n for n in manifest["members"] if n.startswith("db/"))
    result = RestoreResult()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".luzhi-restore-", dir=media_root.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.isfile() and member.name.startswith("media/"):
                    target = staging.joinpath(*PurePosixPath(member.name).parts[1:])
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = tar.extractfile(member)
                    assert source is not None
                    with target.open("wb") as out:
                        shutil.copyfileobj(source, out, 1 << 20)
                    result.files += 1
            with transaction.atomic(using=using):
                _empty_tables(list(by_label.values()), using)
                for name in members:
                    label = name.split("_", 1)[1].removesuffix(".jsonl")
                    model = by_label[label]
                    try:
                        count = _load_table(model, _rows(tar, name), using)
                    except DatabaseError as exc:
                        raise BackupError(f"{label} 的数据无法写入本数据库，未恢复：{exc}") from None
                    if count != manifest["tables"].get(label):
                        raise BackupError(f"{label} 恢复了 {count} 行，清单记载 {manifest['tables'].get(label)} 行。")
                    result.tables[label] = count
                    say(f"{label}: {count} 行")
                try:
                    connections[using].check_constraints()
                except IntegrityError as exc:
                    raise BackupError(f"备份中的数据引用了不存在的记录，未恢复：{exc}") from None
                if connections[using].vendor == "postgresql":
                    _reset_sequences(list(by_label.values()), using)
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                target = media_root / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    say(f"上传文件：{result.files} 个")
    return result
