"""Connectors from outside this repository: the scaffold, and discovery through entry points."""
import subprocess
import sys

from wirefeed.connectors.scaffold import new_connector


def wirefeed(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "wirefeed.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


def test_scaffold_writes_a_connector_whose_contract_test_passes(tmp_path):
    result = wirefeed("connectors", "new", "acme-wire", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "acme-wire=acme_wire_connector:AcmeWireConnector" in result.stdout
    test = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path / "test_acme_wire_connector.py")], capture_output=True, text=True, cwd=tmp_path)
    assert test.returncode == 0, test.stdout + test.stderr
    assert "2 passed" in test.stdout
    again = wirefeed("connectors", "new", "acme-wire", "--dir", str(tmp_path))
    assert again.returncode == 2 and "will not overwrite" in again.stderr
    assert wirefeed("connectors", "new", "Bad Name", "--dir", str(tmp_path)).returncode == 2


def test_an_outside_package_adds_a_connector_through_the_entry_point_group(tmp_path):
    """A distribution on sys.path declaring `wirefeed.connectors` is found without touching this repo."""
    import os

    scaffold = new_connector("acme-wire", tmp_path)
    dist = tmp_path / "acme_wire-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-wire\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[wirefeed.connectors]\nacme-wire = {scaffold.entry_point}\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    listed = wirefeed("connectors", "list", env=env)
    assert "acme-wire    acme_wire_connector:AcmeWireConnector  (plugin)" in listed.stdout
    parsed = wirefeed("parse", "--connector", "acme-wire", str(tmp_path / "fixtures" / "acme-wire-sample.json"),
                      env=env)
    assert parsed.returncode == 0, parsed.stderr
    assert len(parsed.stdout.splitlines()) == 2 and '"connector": "acme-wire"' in parsed.stdout
