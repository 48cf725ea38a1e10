from wirefeed.metrics import LiveCounters
from wirefeed.pipelines.streaming import CommitPositions, _PartitionTracker
from apache_beam.io.restriction_trackers import OffsetRange


def test_commit_moves_only_over_records_that_are_all_done():
    chain = CommitPositions({0: 10, 1: 0})
    chain.done(0, 12, 12)  # finished before 10 and 11
    assert chain.advance() == {}
    chain.done(0, 10, 10)
    assert chain.advance() == {0: 11}
    chain.done(0, 11, 11)
    assert chain.advance() == {0: 13}  # 12 was waiting
    assert chain.advance() == {}


def test_gaps_in_offsets_are_bridged_by_the_readers_position():
    chain = CommitPositions({0: 0})
    chain.done(0, 0, 0)
    chain.done(0, 5, 1)  # offsets 1-4 were transaction markers or compacted away: the reader stood at 1
    assert chain.advance() == {0: 6}


def test_partition_restriction_checkpoints_but_never_splits():
    tracker = _PartitionTracker(OffsetRange(5, 2 ** 62))
    assert tracker.try_claim(5)
    assert tracker.try_split(0.5) is None
    primary, residual = tracker.try_split(0)
    assert primary.stop == 6 and residual.start == 6
    assert not tracker.is_bounded()


def test_live_counters_render_prometheus_text():
    live = LiveCounters()
    live.inc("indexed", 3)
    live.inc("indexed")
    live.set("last_flush_seconds", 0.25)
    text = live.render()
    assert "# TYPE wirefeed_stream_indexed_total counter\nwirefeed_stream_indexed_total 4\n" in text
    assert "# TYPE wirefeed_stream_last_flush_seconds gauge\nwirefeed_stream_last_flush_seconds 0.25\n" in text


def test_only_transient_failures_are_retried(monkeypatch):
    import pytest
    from elastic_transport import ApiResponseMeta, HttpHeaders
    from elasticsearch import ApiError

    from wirefeed.es_io import ElasticsearchUnavailable
    from wirefeed.pipelines import streaming

    monkeypatch.setattr(streaming.time, "sleep", lambda seconds: None)

    def api_error(status):
        meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0, node=None)
        return ApiError("error", meta, {})

    failures = [ElasticsearchUnavailable("down"), api_error(503), api_error(429)]

    def flaky():
        if failures:
            raise failures.pop(0)
        return "done"
    assert streaming._retrying("indexing", flaky, wait_seconds=60) == "done" and not failures
    with pytest.raises(ApiError):  # a 400 is a bug or bad data, not worth waiting for
        streaming._retrying("indexing", lambda: (_ for _ in ()).throw(api_error(400)), wait_seconds=60)
