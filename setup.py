"""wirefeed: streaming ingestion of wire-service news into Elasticsearch.

The top-level folders pipelines/, connectors/, schemas/ and deploy/ are installed as
sub-packages of ``wirefeed`` so nothing generic lands in site-packages. This file also
serves Beam's ``--setup_file`` for remote runners (Dataflow, Flink in a cluster).
"""
from setuptools import setup

setup(
    name="wirefeed",
    version="0.1.0",
    description="Apache Beam jobs that ingest RSS and wire-service feeds through Kafka into Elasticsearch",
    python_requires=">=3.10",
    packages=[
        "wirefeed",
        "wirefeed.text",
        "wirefeed.samples",
        "wirefeed.models",
        "wirefeed.pipelines",
        "wirefeed.connectors",
        "wirefeed.schemas",
        "wirefeed.deploy",
        "wirefeed.deploy.local",
    ],
    package_dir={
        "wirefeed": "wirefeed",
        "wirefeed.pipelines": "pipelines",
        "wirefeed.connectors": "connectors",
        "wirefeed.schemas": "schemas",
        "wirefeed.deploy": "deploy",
        "wirefeed.deploy.local": "deploy/local",
    },
    package_data={
        "wirefeed.schemas": ["*.json"],
        "wirefeed.samples": ["*.xml", "*.atom"],
        "wirefeed.models": ["*.npz", "*.txt", "topic-training/*.txt"],
        "wirefeed.deploy": ["*.yaml", "kibana/*.ndjson"],
        "wirefeed.deploy.local": ["*.xml", "*.yaml"],
    },
    install_requires=[
        "apache-beam>=2.77,<2.78",
        "kafka-python>=3.0,<4",
        "feedparser>=6.0,<7",
        "langdetect>=1.0.9,<2",
        "elasticsearch>=8.19,<9",
        "jsonschema>=4.20,<5",
        "fastjsonschema>=2.19,<3",
        "PyYAML>=6",
        "requests>=2.31",
        "defusedxml>=0.7",
        "aiohttp>=3.9,<4",
        "brotli>=1.1",
        "numpy>=1.26",
        "wordfreq>=3.1,<4",
    ],
    extras_require={"test": ["pytest>=8", "hypothesis>=6", "cryptography>=42"],  # certificates for the secured test node
                    # baselines the benchmarks measure against (not needed to run wirefeed)
                    "bench": ["datasketch>=1.6", "lingua-language-detector>=2.1"]},
    entry_points={
        "console_scripts": ["wirefeed=wirefeed.cli:main"],
        # Connectors are found through this group, so an outside package can add one.
        "wirefeed.connectors": [
            "rss=wirefeed.connectors.rss:RssConnector",
            "newsml-g2=wirefeed.connectors.newsml_g2:NewsMLG2Connector",
            "newsml-1.2=wirefeed.connectors.newsml_12:NewsML12Connector",
            "ninjs=wirefeed.connectors.ninjs:NinjsConnector",
            "nitf=wirefeed.connectors.nitf:NitfConnector",
            "jsonfeed=wirefeed.connectors.jsonfeed:JsonFeedConnector",
            "news-sitemap=wirefeed.connectors.sitemap:NewsSitemapConnector",
            "folder=wirefeed.connectors.folder:FolderConnector",
            "wire=wirefeed.connectors.wire:WireConnector",
        ],
    },
)
