"""wirefeed: wire-service and RSS news, cleaned, deduplicated, tagged and indexed into Elasticsearch."""

__version__ = "0.1.0"
