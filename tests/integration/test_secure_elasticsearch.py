"""Elasticsearch with security on (a second local node with TLS and users, started through the
project's script): basic auth and API keys from environment variables, a CA file, clear errors for
bad credentials and an untrusted certificate, and no secret in any output."""
import json
import subprocess
import sys

import pytest
import yaml

from wirefeed.config import ElasticsearchConfig
from wirefeed.deploy.local import services
from wirefeed.es_io import make_client


@pytest.fixture(scope="module")
def secure_node():
    result = subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", "up", "elasticsearch-secure"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    settings = services.Settings.from_env()
    credentials = services.secure_credentials(settings)
    assert credentials["password"] not in result.stderr + result.stdout
    return settings, credentials


def wirefeed(tmp_path, env, action="status", **elasticsearch):
    config = tmp_path / "secure.yaml"
    config.write_text(yaml.safe_dump({"elasticsearch": {"index": "wf-secure-test", **elasticsearch}, "feeds": []}))
    return subprocess.run([sys.executable, "-m", "wirefeed.cli", "index", action, "--config", str(config)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_basic_auth_from_the_environment_and_api_keys_sent_as_api_keys(secure_node, monkeypatch, tmp_path):
    """API keys cannot be created on this node (the security index needs the analysis-common module
    the integ-test-zip lacks), so the API-key path is checked by the node rejecting an unknown key."""
    import base64
    import os

    settings, credentials = secure_node
    monkeypatch.setenv("WF_ES_USER", credentials["username"])
    monkeypatch.setenv("WF_ES_PASSWORD", credentials["password"])
    basic = ElasticsearchConfig(url=settings.es_secure_url, username_env="WF_ES_USER", password_env="WF_ES_PASSWORD",
                                ca_file=credentials["ca_file"])
    assert make_client(basic).security.authenticate()["username"] == "elastic"

    secured = {"url": settings.es_secure_url, "username_env": "WF_ES_USER", "password_env": "WF_ES_PASSWORD",
               "ca_file": credentials["ca_file"]}
    assert wirefeed(tmp_path, dict(os.environ), "install", **secured).returncode == 0
    ok = wirefeed(tmp_path, dict(os.environ), **secured)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["indices"][0]["write"] is True  # status after the job's install path
    assert credentials["password"] not in ok.stdout + ok.stderr

    unknown_key = base64.b64encode(b"no-such-id:no-such-secret").decode()
    rejected = wirefeed(tmp_path, dict(os.environ, WF_ES_API_KEY=unknown_key), url=settings.es_secure_url,
                        api_key_env="WF_ES_API_KEY", ca_file=credentials["ca_file"])
    assert rejected.returncode == 2 and "refused the credentials (HTTP 401; api_key_env=WF_ES_API_KEY)" in rejected.stderr
    assert unknown_key not in rejected.stdout + rejected.stderr


def test_bad_credentials_and_untrusted_certificates_are_named_plainly(secure_node, tmp_path):
    import os

    settings, credentials = secure_node
    env = dict(os.environ, WF_ES_USER="elastic", WF_ES_PASSWORD="not-the-password")
    wrong = wirefeed(tmp_path, env, url=settings.es_secure_url, username_env="WF_ES_USER",
                     password_env="WF_ES_PASSWORD", ca_file=credentials["ca_file"])
    assert wrong.returncode == 2
    assert "refused the credentials" in wrong.stderr and "WF_ES_PASSWORD" in wrong.stderr
    assert "not-the-password" not in wrong.stderr + wrong.stdout and "Traceback" not in wrong.stderr

    env = dict(os.environ, WF_ES_USER="elastic", WF_ES_PASSWORD=credentials["password"])
    untrusted = wirefeed(tmp_path, env, url=settings.es_secure_url, username_env="WF_ES_USER",
                         password_env="WF_ES_PASSWORD")
    assert untrusted.returncode == 3
    assert "certificate is not trusted" in untrusted.stderr and "ca_file" in untrusted.stderr
    assert credentials["password"] not in untrusted.stderr + untrusted.stdout
