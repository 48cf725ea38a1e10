"""`wirefeed services` against the running local services."""
import json
import os
import socket
import subprocess
import sys


def services(*args, env=None):
    return subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", *args], capture_output=True, text=True,
                          timeout=600, env=env)


def test_status_reports_healthy_services(local_services):
    report = json.loads(services("status").stdout)
    assert report["kafka"]["running"] and report["kafka"]["port_open"]
    assert report["elasticsearch"]["health"] in ("green", "yellow")
    assert report["prism"]["built"]


def test_up_is_idempotent(local_services):
    result = services("up")
    assert result.returncode == 0
    assert "kafka already running" in result.stderr and "elasticsearch already running" in result.stderr


def test_up_on_a_taken_port_fails_clearly_without_touching_the_running_services(local_services, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        env = dict(os.environ, WIREFEED_HOME=str(tmp_path), WIREFEED_KAFKA_PORT=str(sock.getsockname()[1]))
        result = services("up", "kafka", env=env)
    assert result.returncode == 1
    assert "is taken by another process" in result.stderr and "WIREFEED_KAFKA_PORT" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(services("status").stdout)["kafka"]["running"]
