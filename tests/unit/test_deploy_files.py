"""The deployment examples stay runnable: their configs load and their command lines parse."""
import shlex
from pathlib import Path

import yaml

from wirefeed.cli import build_parser
from wirefeed.config import load_config

DEPLOY = Path(__file__).parents[2] / "deploy"


def parses(argv: list[str]) -> None:
    assert argv[0] == "wirefeed" or argv[0].endswith("/wirefeed")
    build_parser().parse_args(argv[1:])


def test_kubernetes_manifests(tmp_path):
    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "wirefeed.yaml").read_text()))
    kinds = {d["kind"] for d in documents}
    assert {"ConfigMap", "Secret", "CronJob", "Deployment", "PersistentVolumeClaim"} <= kinds
    config = next(d for d in documents if d["kind"] == "ConfigMap")["data"]["job.yaml"]
    (tmp_path / "job.yaml").write_text(config)
    assert load_config(tmp_path / "job.yaml").elasticsearch.username_env == "WIREFEED_ES_USER"
    cron = next(d for d in documents if d["kind"] == "CronJob")
    parses(cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"])
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    parses(deployment["spec"]["template"]["spec"]["containers"][0]["args"])


def test_systemd_and_cron_command_lines():
    for unit in (DEPLOY / "systemd").glob("*.service"):
        line = next(l for l in unit.read_text().splitlines() if l.startswith("ExecStart="))
        parses(shlex.split(line.split("=", 1)[1]))
    line = next(l for l in (DEPLOY / "cron" / "wirefeed.cron").read_text().splitlines() if l.startswith("*/5"))
    command = line.split("&&", 1)[1].split(">>")[0]
    argv = shlex.split(command)
    parses(argv[argv.index(next(a for a in argv if a.endswith("bin/wirefeed"))):])


def test_the_example_config_loads():
    assert load_config(DEPLOY / "config.example.yaml").feeds
