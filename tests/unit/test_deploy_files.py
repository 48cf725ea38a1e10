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
    deployments = [d for d in documents if d["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} == {"wirefeed-ingest", "wirefeed-stream"}
    for deployment in deployments:
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


def test_compose_stack():
    compose = yaml.safe_load((DEPLOY / "compose" / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"kafka", "elasticsearch", "kibana", "wirefeed-ingest", "wirefeed-stream"} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    from wirefeed.deploy.local.services import ELASTICSEARCH_VERSION, KAFKA_VERSION

    assert services["kafka"]["image"].endswith(KAFKA_VERSION)
    for name in ("elasticsearch", "kibana"):  # client and server of the same version
        assert services[name]["image"].endswith(ELASTICSEARCH_VERSION)
    for name in ("wirefeed-ingest", "wirefeed-stream"):
        parses(services[name]["command"])
    config = load_config(DEPLOY / "compose" / "job.yaml")
    assert config.kafka.bootstrap_servers == "kafka:9092" and config.elasticsearch.password_env


def test_flink_job_config_loads_and_its_beam_arguments_parse():
    from apache_beam.options.pipeline_options import FlinkRunnerOptions, PipelineOptions

    config = load_config(DEPLOY / "flink" / "job.yaml")
    assert config.runner.runner == "FlinkRunner"
    flink = PipelineOptions(list(config.runner.pipeline_args)).view_as(FlinkRunnerOptions)
    assert flink.flink_master == "flink-jobmanager:8081" and flink.flink_version == "1.19"
    assert flink.parallelism == config.kafka.partitions  # one reader per partition


def test_dataflow_flex_template_builds_the_streaming_pipeline_from_its_parameters():
    import json

    from wirefeed.pipelines.streaming import launch_from_options

    metadata = json.loads((DEPLOY / "dataflow" / "metadata.json").read_text())
    assert metadata["streaming"] and {p["name"] for p in metadata["parameters"]} >= {"kafka_bootstrap", "es_url"}
    args = ["--kafka_bootstrap=kafka:9092", "--es_url=https://es:9200", "--consumer_group=g"]
    pipeline = launch_from_options(args, starts={0: 5, 1: 0}, run=False)
    labels = {t.full_label for t in pipeline._current_transform().parts}  # noqa: SLF001 - Beam's own structure
    assert {"ReadRawStream", "DecodeRawItems", "EnrichItems", "IndexAndCommit"} <= labels
    assert "launch_from_options" in (DEPLOY / "dataflow" / "launch.py").read_text()
