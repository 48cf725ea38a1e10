"""Job configuration: one YAML file, every key documented in deploy/config.example.yaml.

Strings may use ``${VAR}`` or ``${VAR:-default}`` to read the environment, so one file serves
several machines. Secrets are never written in the file: it names the variables that hold them.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from wirefeed.connectors.base import FeedRef
from wirefeed.connectors.http import HttpSettings


class ConfigError(ValueError):
    """The configuration is unusable; the message names the key and the problem."""


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: str = "127.0.0.1:9092"
    raw_topic: str = "wirefeed.raw"
    deadletter_topic: str = "wirefeed.deadletter"
    consumer_group: str = "wirefeed-process"
    partitions: int = 2
    read_chunk: int = 5000


@dataclass(frozen=True)
class ElasticsearchConfig:
    url: str = "http://127.0.0.1:9200"
    index: str = "wirefeed-docs"
    username_env: str | None = None
    password_env: str | None = None
    api_key_env: str | None = None
    ca_file: str | None = None
    bulk_size: int = 500
    request_timeout: float = 30.0
    max_retries: int = 5
    story_window_days: float = 7.0   # copies published this far apart still fold into one story


@dataclass(frozen=True)
class RunnerConfig:
    runner: str = "PrismRunner"
    prism_location: str = "auto"
    pipeline_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class StateConfig:
    path: str | None = None  # SQLite file of per-feed ingest state; default $WIREFEED_HOME/state/ingest.sqlite


@dataclass(frozen=True)
class Config:
    kafka: KafkaConfig = field(default_factory=KafkaConfig)
    elasticsearch: ElasticsearchConfig = field(default_factory=ElasticsearchConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    http: HttpSettings = field(default_factory=HttpSettings)
    state: StateConfig = field(default_factory=StateConfig)
    feeds: tuple[FeedRef, ...] = ()
    path: str | None = None


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def _expand(value):
    if isinstance(value, str):
        def replace(match):
            name, default = match.group(1), match.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is None:
                raise ConfigError(f"environment variable {name} is not set (used as ${{{name}}})")
            return default
        return _VAR.sub(replace, value)
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    return value


def _section(cls, data, name):
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"'{name}' must be a mapping, got {type(data).__name__}")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(known)
    if unknown:
        raise ConfigError(f"unknown key(s) in '{name}': {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(known))}")
    values = {}
    for key, value in data.items():
        default = known[key].default
        try:
            if isinstance(default, bool):
                value = bool(value)
            elif isinstance(default, int) and value is not None:
                value = int(value)
            elif isinstance(default, float) and value is not None:
                value = float(value)
            elif isinstance(default, tuple):
                value = tuple(value or ())
        except (TypeError, ValueError):
            raise ConfigError(f"'{name}.{key}' must be a {type(default).__name__}, got {value!r}") from None
        values[key] = value
    return cls(**values)


def _feeds(data) -> tuple[FeedRef, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ConfigError("'feeds' must be a list")
    feeds = []
    for index, feed in enumerate(data):
        if not isinstance(feed, dict) or not (feed.get("url") or feed.get("path")):
            raise ConfigError(f"feeds[{index}] needs a 'url' (or 'path')")
        unknown = set(feed) - {"name", "url", "path", "connector", "language", "languages", "prefixes", "options",
                               "interval", "jitter", "auth"}
        if unknown:
            raise ConfigError(f"feeds[{index}]: unknown key(s) {', '.join(sorted(unknown))}")
        auth = feed.get("auth")
        if auth is not None and (not isinstance(auth, dict) or auth.get("type") not in ("basic", "bearer", "header")):
            raise ConfigError(f"feeds[{index}].auth needs type basic, bearer or header")
        if auth and any(k in auth for k in ("password", "token", "value")):
            raise ConfigError(f"feeds[{index}].auth: put secrets in environment variables and name them "
                              "(password_env, token_env, value_env), not in the file")
        try:
            interval, jitter = float(feed.get("interval", 300)), float(feed.get("jitter", 0.1))
        except (TypeError, ValueError):
            raise ConfigError(f"feeds[{index}]: interval and jitter must be numbers") from None
        if interval <= 0 or not 0 <= jitter < 1:
            raise ConfigError(f"feeds[{index}]: interval must be > 0 and jitter in [0, 1)")
        languages = feed.get("languages") or []
        if not isinstance(languages, list) or not all(isinstance(code, str) and code.isalpha() for code in languages):
            raise ConfigError(f"feeds[{index}].languages must be a list of language codes, e.g. [ar, en]")
        feeds.append(FeedRef(location=str(feed.get("url") or feed.get("path")), name=feed.get("name"),
                             languages=tuple(code.lower() for code in languages),
                             language=feed.get("language"), connector=feed.get("connector", "rss"),
                             prefixes=tuple(feed.get("prefixes") or ()), options=feed.get("options") or {},
                             interval=interval, jitter=jitter, auth=auth))
    return tuple(feeds)


def load_config(path: str | Path | None = None) -> Config:
    """Read a config file; without one, the packaged local default (local services, bundled samples)."""
    try:
        if path is None:
            text = resources.files("wirefeed.deploy.local").joinpath("default.yaml").read_text(encoding="utf-8")
            origin = "(packaged local default)"
        else:
            text = Path(path).read_text(encoding="utf-8")
            origin = str(path)
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the top level must be a mapping")
    unknown = set(data) - {"kafka", "elasticsearch", "runner", "http", "state", "feeds"}
    if unknown:
        raise ConfigError(f"{origin}: unknown section(s) {', '.join(sorted(unknown))}")
    data = _expand(data)
    config = Config(kafka=_section(KafkaConfig, data.get("kafka"), "kafka"),
                    elasticsearch=_section(ElasticsearchConfig, data.get("elasticsearch"), "elasticsearch"),
                    runner=_section(RunnerConfig, data.get("runner"), "runner"),
                    http=_section(HttpSettings, data.get("http"), "http"),
                    state=_section(StateConfig, data.get("state"), "state"),
                    feeds=_feeds(data.get("feeds")), path=origin)
    if config.kafka.partitions < 1:
        raise ConfigError("'kafka.partitions' must be at least 1")
    if config.elasticsearch.story_window_days <= 0:
        raise ConfigError("'elasticsearch.story_window_days' must be > 0")
    if config.elasticsearch.bulk_size < 1:
        raise ConfigError("'elasticsearch.bulk_size' must be at least 1")
    return config
