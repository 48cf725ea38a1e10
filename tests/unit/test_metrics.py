"""Run metrics as a Prometheus textfile, and JSON logs."""
import re

from wirefeed.metrics import write_textfile

SAMPLE = re.compile(r'^wirefeed_[a-z_]+\{command="[a-z]+"\} [0-9.e+-]+$')


def test_textfile_is_valid_exposition_and_keeps_the_last_success(tmp_path):
    path = tmp_path / "wirefeed.prom"
    write_textfile(path, "run", {"indexed": 12, "story_copies": 3, "deadletters": 1}, 4.2, 1)
    text = path.read_text()
    for line in text.splitlines():
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or SAMPLE.match(line), line
    assert 'wirefeed_indexed_total{command="run"} 12' in text and "wirefeed_run_exit_code" in text
    success = re.search(r"wirefeed_last_success_timestamp_seconds\{command=\"run\"\} (\d+)", text).group(1)
    write_textfile(path, "run", {}, 0.5, 3)  # a failed run: the last success stays
    again = path.read_text()
    assert f'wirefeed_last_success_timestamp_seconds{{command="run"}} {success}' in again
    assert 'wirefeed_run_exit_code{command="run"} 3' in again
    assert not list(tmp_path.glob(".wirefeed-metrics-*"))  # written through a temporary file, renamed
