"""A delivery folder: agencies that push files (FTP or SFTP into a directory) instead of serving feeds.

Each file is parsed by the connector named in ``options.format`` (default ``wire``, which
recognises every wire format by its content). A file is read only once it is complete: names that
FTP and SFTP servers and agencies use while uploading (``.tmp``, ``.part``, ``.filepart``, dot
files, ...) are skipped, and so is a file modified in the last ``settle_seconds`` or whose size or
time changes while it is read. After Kafka acknowledged its items a file moves to ``.done/``; a file
that fails to parse goes to the dead-letter topic and moves to ``.failed/``, so every file is
processed once and a restart neither loses nor repeats one (a crash before the move re-reads the
file, and the ingest state sees its items were already sent).

    feeds:
      - name: AFP Arabic
        connector: folder
        path: /srv/ftp/afp-ar
        options: {pattern: "*.xml", format: wire, settle_seconds: 10}
"""
from __future__ import annotations

import fnmatch
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from wirefeed.connectors.base import Connector, FeedError, FeedRef, Polled
from wirefeed.connectors.http import FetchResult, Validators

UPLOAD_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".lock", ".uploading", "~")
DONE, FAILED = ".done", ".failed"


def _settings(ref: FeedRef) -> dict:
    options = ref.options or {}
    return {"pattern": options.get("pattern", "*"), "format": options.get("format", "wire"),
            "settle_seconds": float(options.get("settle_seconds", 10)), "max_files": int(options.get("max_files", 1000))}


def is_upload_in_progress(name: str) -> bool:
    lowered = name.lower()
    return name.startswith(".") or lowered.endswith(UPLOAD_SUFFIXES)


def ready_files(folder: Path, pattern: str, settle_seconds: float, now: float | None = None) -> list[Path]:
    """Complete files waiting in the folder, oldest first."""
    now = time.time() if now is None else now
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False) or is_upload_in_progress(entry.name):
                continue
            if not fnmatch.fnmatch(entry.name, pattern):
                continue
            stat = entry.stat(follow_symlinks=False)
            if now - stat.st_mtime < settle_seconds:
                continue  # still being written, or just finished: next poll
            found.append((stat.st_mtime, entry.name, Path(entry.path)))
    return [path for _, _, path in sorted(found)]


def move_aside(path: Path, into: str) -> Path:
    """Move a processed file into .done/ or .failed/ beside it, never overwriting an earlier one."""
    target_dir = path.parent / into
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    if target.exists():
        target = target_dir / f"{path.stem}.{time.strftime('%Y%m%dT%H%M%S')}.{os.getpid()}{path.suffix}"
    os.replace(path, target)
    return target


class FolderConnector(Connector):
    name = "folder"
    global_guids = True  # items take the ids their own format gives them

    def _read_file(self, path: Path, parser: Connector, ref: FeedRef, now: datetime) -> list[dict] | None:
        before = path.stat()
        if before.st_size > self.http.max_bytes:
            raise FeedError("fetch", f"file is {before.st_size} bytes, over the {self.http.max_bytes}-byte cap")
        data = path.read_bytes()
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != after.st_size:
            return None  # written to while we read it
        return list(parser.read(FetchResult(data, Validators()), ref, now))

    def collect(self, ref: FeedRef, *, move: bool) -> Polled:
        from wirefeed.connectors import get_connector

        settings = _settings(ref)
        folder = Path(ref.location)
        if not folder.is_dir():
            raise FeedError("fetch", f"delivery folder {folder} does not exist or is not a directory")
        try:
            parser = get_connector(settings["format"], http=self.http)
        except KeyError as exc:
            raise FeedError("parse", str(exc.args[0])) from None
        polled = Polled(validators=Validators())
        done: list[Path] = []
        failed: list[Path] = []
        now = datetime.now(timezone.utc)
        for path in ready_files(folder, settings["pattern"], settings["settle_seconds"])[:settings["max_files"]]:
            try:
                items = self._read_file(path, parser, ref, now)
            except FeedError as exc:
                polled.failures.append((path.name, exc))
                failed.append(path)
                continue
            except OSError as exc:  # vanished or unreadable: leave it for the next poll
                polled.failures.append((path.name, FeedError("fetch", exc.strerror or str(exc))))
                continue
            except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the others
                polled.failures.append((path.name, FeedError("parse", f"{type(exc).__name__}: {exc}")))
                failed.append(path)
                continue
            if items is None:
                continue
            polled.items.extend(items)
            done.append(path)
        if move:
            def acknowledge() -> None:
                for path in done:
                    move_aside(path, DONE)
                for path in failed:
                    move_aside(path, FAILED)
            polled.acknowledge = acknowledge
        return polled

    async def poll(self, ref: FeedRef, fetcher, validators: Validators) -> Polled:
        return self.collect(ref, move=True)

    def items(self, ref: FeedRef) -> list[dict]:
        """What `wirefeed parse FOLDER` shows: the ready files' items, nothing moved."""
        polled = self.collect(ref, move=False)
        if polled.failures and not polled.items:
            name, exc = polled.failures[0]
            raise FeedError(exc.stage, f"{name}: {exc.reason}")
        return polled.items
