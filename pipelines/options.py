"""Pipeline options: how the job's configuration reaches Beam and its workers.

Secrets never travel as options: only the names of the environment variables that hold them.
"""
from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions

from wirefeed.config import Config, ElasticsearchConfig, KafkaConfig


class WirefeedOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument("--kafka_bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers")
        parser.add_argument("--raw_topic", default="wirefeed.raw", help="topic of raw items")
        parser.add_argument("--deadletter_topic", default="wirefeed.deadletter", help="topic of dead letters")
        parser.add_argument("--consumer_group", default="wirefeed-process",
                            help="consumer group whose committed offsets the streaming job resumes from")
        parser.add_argument("--es_url", default="http://127.0.0.1:9200", help="Elasticsearch URL")
        parser.add_argument("--es_index", default="wirefeed-docs", help="index (or write alias) to index into")
        parser.add_argument("--es_username_env", default=None, help="env var holding the Elasticsearch user")
        parser.add_argument("--es_password_env", default=None, help="env var holding the Elasticsearch password")
        parser.add_argument("--es_api_key_env", default=None, help="env var holding an Elasticsearch API key")
        parser.add_argument("--es_ca_file", default=None, help="CA certificate file for Elasticsearch TLS")
        parser.add_argument("--bulk_size", type=int, default=500, help="documents per bulk request")
        parser.add_argument("--story_window_days", type=float, default=7.0,
                            help="copies published this many days apart still fold into one story")

    def config(self) -> Config:
        """The wirefeed config these options carry (for a job launched without a config file)."""
        return Config(kafka=KafkaConfig(bootstrap_servers=self.kafka_bootstrap, raw_topic=self.raw_topic,
                                        deadletter_topic=self.deadletter_topic, consumer_group=self.consumer_group),
                      elasticsearch=self.elasticsearch())

    def elasticsearch(self) -> ElasticsearchConfig:
        return ElasticsearchConfig(url=self.es_url, index=self.es_index, username_env=self.es_username_env,
                                   password_env=self.es_password_env, api_key_env=self.es_api_key_env,
                                   ca_file=self.es_ca_file, bulk_size=self.bulk_size,
                                   story_window_days=self.story_window_days)


def option_args(config: Config) -> list[str]:
    """The pipeline arguments that carry a wirefeed config."""
    es = config.elasticsearch
    args = [f"--kafka_bootstrap={config.kafka.bootstrap_servers}", f"--raw_topic={config.kafka.raw_topic}",
            f"--deadletter_topic={config.kafka.deadletter_topic}", f"--consumer_group={config.kafka.consumer_group}",
            f"--es_url={es.url}", f"--es_index={es.index}",
            f"--bulk_size={es.bulk_size}", f"--story_window_days={es.story_window_days}"]
    for name in ("username_env", "password_env", "api_key_env", "ca_file"):
        if getattr(es, name):
            args.append(f"--es_{name}={getattr(es, name)}")
    return args
