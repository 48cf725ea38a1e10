"""The delivery-folder connector: complete files only, each once, moved aside after acknowledgement."""
import asyncio
import os
import shutil
import time

import pytest

from tests.conftest import SHARED
from wirefeed.connectors import FeedError, FeedRef, get_connector
from wirefeed.connectors.folder import ready_files

WIRE = SHARED / "fixtures" / "wire"


def poll(ref):
    return asyncio.run(get_connector("folder").poll(ref, None, None))


def aged(path, seconds=60):
    old = time.time() - seconds
    os.utime(path, (old, old))
    return path


def put(path, data: bytes):
    path.write_bytes(data)
    return aged(path)


@pytest.fixture
def drop(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("afp.xml", "ninjs1.json", "pa1.xml"):
        aged(shutil.copy(WIRE / name, inbox / name))
    return inbox


def test_complete_files_are_read_and_moved_to_done_only_after_acknowledgement(drop):
    ref = FeedRef(str(drop), connector="folder", options={"settle_seconds": 5})
    polled = poll(ref)
    assert {i["source"]["connector"] for i in polled.items} == {"newsml-1.2", "ninjs", "nitf"}
    assert not polled.failures and sorted(p.name for p in drop.iterdir()) == ["afp.xml", "ninjs1.json", "pa1.xml"]
    polled.acknowledge()
    assert sorted(p.name for p in (drop / ".done").iterdir()) == ["afp.xml", "ninjs1.json", "pa1.xml"]
    assert [p.name for p in drop.iterdir()] == [".done"]
    assert poll(ref).items == []  # each file once


def test_files_being_uploaded_are_left_alone(drop):
    put(drop / "bulletin.xml.part", b"<nitf><head>")  # an FTP upload in progress
    put(drop / ".in.ninjs.json", b"{")  # an SFTP client's hidden temp file
    fresh = drop / "fresh.xml"
    shutil.copy(WIRE / "afp.xml", fresh)  # finished a moment ago: may still be growing
    names = [p.name for p in ready_files(drop, "*", settle_seconds=5)]
    assert sorted(names) == ["afp.xml", "ninjs1.json", "pa1.xml"]
    assert [p.name for p in ready_files(drop, "*.json", settle_seconds=5)] == ["ninjs1.json"]


def test_a_bad_file_fails_alone_and_moves_to_failed(drop):
    put(drop / "broken.xml", b"<?xml version='1.0'?><NewsML><NewsItem>")
    polled = poll(FeedRef(str(drop), connector="folder", options={"settle_seconds": 1}))
    assert len(polled.items) == 3
    [(name, error)] = polled.failures
    assert name == "broken.xml" and error.stage == "parse" and "well-formed" in error.reason
    polled.acknowledge()
    assert [p.name for p in (drop / ".failed").iterdir()] == ["broken.xml"]


def test_a_redelivered_name_does_not_overwrite_the_done_copy(drop):
    ref = FeedRef(str(drop), connector="folder", options={"pattern": "afp.xml", "settle_seconds": 1})
    poll(ref).acknowledge()
    aged(shutil.copy(WIRE / "afp.xml", drop / "afp.xml"))
    poll(ref).acknowledge()
    assert len(list((drop / ".done").iterdir())) == 2


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FeedError, match="does not exist"):
        poll(FeedRef(str(tmp_path / "nowhere"), connector="folder"))


def test_a_file_that_changes_while_read_waits_for_the_next_poll(drop, monkeypatch):
    from pathlib import Path

    real = Path.read_bytes

    def read_while_uploader_appends(self):
        data = real(self)
        with open(self, "ab") as still_uploading:
            still_uploading.write(b"\n<!-- more -->")
        return data

    monkeypatch.setattr(Path, "read_bytes", read_while_uploader_appends)
    polled = poll(FeedRef(str(drop), connector="folder", options={"settle_seconds": 0}))
    assert polled.items == [] and polled.failures == []
    polled.acknowledge()
    assert not (drop / ".done").exists()
