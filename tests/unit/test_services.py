"""The local services script's own checks, without starting anything."""
import socket

import pytest

from wirefeed.deploy.local import services


def test_no_java_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("WIREFEED_JAVA_HOME", str(tmp_path / "no-jdk-here"))
    with pytest.raises(services.ServiceError, match="no Java 17 or newer found"):
        services.find_java()


def test_java_17_or_newer_is_found():
    java, major = services.find_java()
    assert major >= 17 and java.exists()


def test_a_taken_port_names_the_variable_to_change():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(services.ServiceError, match=f"port {port} .* taken.*WIREFEED_KAFKA_PORT"):
            services.check_port_free(port, "Kafka", "WIREFEED_KAFKA_PORT")


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WIREFEED_HOME", str(tmp_path))
    monkeypatch.setenv("WIREFEED_ES_PORT", "19200")
    settings = services.Settings.from_env()
    assert settings.es_url == "http://127.0.0.1:19200"
    assert settings.prism_binary.parent == tmp_path / "cache" / "bin"


def test_down_without_pid_files_stops_nothing(tmp_path):
    settings = services.Settings.from_env({"WIREFEED_HOME": str(tmp_path)})
    assert services.down(settings, {"kafka", "elasticsearch"}) == [
        "elasticsearch: not running (nothing of ours to stop)", "kafka: not running (nothing of ours to stop)"]


def test_a_stale_pid_file_is_not_trusted(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "kafka.pid").write_text("1")  # pid 1 exists but is not ours
    assert services.read_pid(run / "kafka.pid") is None
