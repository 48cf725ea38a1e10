"""Integration fixtures: the real local services, started through the project's own script."""
import json
import shutil
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from wirefeed.deploy.local import services


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def local_services():
    """`wirefeed services up`, exactly as an operator runs it (idempotent when already up)."""
    result = subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", "up"], capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, result.stderr
    return services.Settings.from_env()


@pytest.fixture
def feed_server(tmp_path):
    """A real HTTP server on loopback serving a folder of feeds."""
    from wirefeed.samples.serve import make_server

    folder = tmp_path / "feeds"
    folder.mkdir()
    server = make_server(0, str(folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@dataclass
class Job:
    """One isolated job: its own topics, consumer group and index on the shared local services."""
    settings: services.Settings
    workdir: Path
    name: str

    @property
    def raw_topic(self):
        return f"{self.name}.raw"

    @property
    def deadletter_topic(self):
        return f"{self.name}.deadletter"

    @property
    def index(self):
        return self.name

    def write_config(self, feeds, **elasticsearch) -> Path:
        config = {
            "kafka": {"bootstrap_servers": self.settings.kafka_bootstrap, "raw_topic": self.raw_topic,
                      "deadletter_topic": self.deadletter_topic, "consumer_group": self.name},
            "elasticsearch": {"url": self.settings.es_url, "index": self.index, **elasticsearch},
            "state": {"path": str(self.workdir / "ingest-state.sqlite")},
            "feeds": feeds,
        }
        path = self.workdir / "config.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True))
        return path

    def wirefeed(self, *args, timeout=600):
        return subprocess.run([sys.executable, "-m", "wirefeed.cli", *args], capture_output=True, text=True,
                              timeout=timeout)

    def run(self, command="run", *flags):
        return self.wirefeed(command, "--config", str(self.workdir / "config.yaml"), *flags)

    def es(self):
        from elasticsearch import Elasticsearch

        return Elasticsearch(self.settings.es_url)

    def documents(self) -> dict[str, dict]:
        client = self.es()
        client.indices.refresh(index=self.index)
        hits = client.search(index=self.index, size=1000, query={"match_all": {}})["hits"]["hits"]
        return {hit["_id"]: hit["_source"] for hit in hits}

    def documents_count(self) -> int:
        client = self.es()
        client.indices.refresh(index=self.index)
        return client.count(index=self.index)["count"]

    def read_topic(self, topic) -> list:
        from kafka import KafkaConsumer, TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap, enable_auto_commit=False)
        try:
            partitions = consumer.partitions_for_topic(topic) or set()
            tps = [TopicPartition(topic, p) for p in partitions]
            if not tps:
                return []
            consumer.assign(tps)
            consumer.seek_to_beginning(*tps)
            ends = consumer.end_offsets(tps)
            records = []
            while any(consumer.position(tp) < ends[tp] for tp in tps):
                for batch in consumer.poll(timeout_ms=1000).values():
                    records.extend(batch)
            return records
        finally:
            consumer.close()

    def dead_letters(self) -> list[dict]:
        return [json.loads(r.value) for r in self.read_topic(self.deadletter_topic)]

    def publish_raw(self, messages):
        """Publish to the raw topic as another producer would: dicts as JSON, bytes as they are."""
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=self.settings.kafka_bootstrap, acks="all")
        for message in messages:
            value = message if isinstance(message, bytes) else json.dumps(message, ensure_ascii=False).encode()
            producer.send(self.raw_topic, value=value, key=b"test")
        producer.flush()
        producer.close()


@pytest.fixture
def job(tmp_path, local_services):
    job = Job(local_services, tmp_path, f"wf-test-{uuid.uuid4().hex[:10]}")
    yield job
    try:
        client = job.es()
        names = list(client.indices.get(index=f"{job.index}*,boilerplate-{job.index}", ignore_unavailable=True,
                                        allow_no_indices=True))
        if names:  # by name: wildcard deletes are refused (action.destructive_requires_name)
            client.indices.delete(index=",".join(names), ignore_unavailable=True)
        client.options(ignore_status=404).indices.delete_index_template(name=f"{job.index}-template")
    except Exception:  # noqa: BLE001 - clean-up only
        pass


def copy_feed(source: Path, folder: Path, name: str | None = None) -> str:
    target = folder / (name or source.name)
    shutil.copy(source, target)
    return target.name
