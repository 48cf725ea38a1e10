"""`wirefeed parse` and `wirefeed enrich` as a connector developer runs them: real processes."""
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ARABIC_FEED, SHARED, read_jsonl

SAMPLES = Path(__file__).parents[2] / "wirefeed" / "samples"


def wirefeed(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "wirefeed.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=300)


def test_parse_many_paths_and_report_each_failure_on_one_line(tmp_path):
    not_xml = tmp_path / "not-a-feed.xml"
    not_xml.write_text("this is not XML at all <<<")
    result = wirefeed("parse", str(ARABIC_FEED), str(SAMPLES / "cityline-en.atom"), str(not_xml),
                      str(tmp_path / "missing.xml"))
    assert result.returncode == 1
    items = read_jsonl(result.stdout)
    assert len(items) == 6
    assert {i["source"]["connector"] for i in items} == {"rss"}
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"wirefeed parse: {not_xml}: parse failed:")
    assert "missing.xml: fetch failed: No such file" in lines[1]


def test_parse_the_whole_feedparser_corpus_without_a_traceback():
    files = sorted(str(p) for p in (SHARED / "corpora" / "feedparser-tests").rglob("*") if p.is_file()
                   and p.name != "LICENSE")
    assert len(files) > 2000
    result = wirefeed("parse", *files)
    assert "Traceback" not in result.stderr
    failures = result.stderr.strip().splitlines()
    assert all(line.startswith("wirefeed parse: ") and " failed: " in line for line in failures)
    assert len(failures) < len(files) / 4
    for line in result.stdout.splitlines():
        json.loads(line)


def test_enrich_reads_stdin_and_prints_documents():
    raw = wirefeed("parse", str(ARABIC_FEED)).stdout
    result = wirefeed("enrich", "-", stdin=raw + "not json\n")
    assert result.returncode == 1
    docs = read_jsonl(result.stdout)
    assert len(docs) == 3  # four items, one is an older version of another
    assert "line 5: decode failed" in result.stderr
    assert all(d["schema"] == "wirefeed.document/v1" for d in docs)
