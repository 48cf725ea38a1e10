import pytest

from wirefeed.cli import main
from wirefeed.config import ConfigError, load_config


def test_packaged_default_reads_the_service_ports(monkeypatch):
    monkeypatch.setenv("WIREFEED_KAFKA_PORT", "19092")
    config = load_config()
    assert config.kafka.bootstrap_servers == "127.0.0.1:19092"
    assert len(config.feeds) == 5 and {f.language for f in config.feeds} == {"ar", "en", "fr"}


def test_example_config_documents_every_key():
    from pathlib import Path

    config = load_config(Path(__file__).parents[2] / "deploy" / "config.example.yaml")
    assert config.feeds[0].prefixes == ("جو 24",)


@pytest.mark.parametrize("text, message", [
    ("kafka: {bootstrap: x}", "unknown key"),
    ("kafka: [1]", "must be a mapping"),
    ("elasticsearch: {bulk_size: many}", "must be a int"),
    ("feeds: [{name: x}]", "needs a 'url'"),
    ("nonsense: 1", "unknown section"),
    ("kafka: {bootstrap_servers: '${WIREFEED_SURELY_UNSET}'}", "WIREFEED_SURELY_UNSET"),
    ("{{{", "not valid YAML"),
])
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_bad_config_exits_2(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("kafka: {nope: 1}")
    assert main(["run", "--config", str(path)]) == 2
    assert main(["run", "--config", str(tmp_path / "missing.yaml")]) == 2
