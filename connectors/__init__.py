"""Connectors, found by name through the ``wirefeed.connectors`` entry-point group."""
from __future__ import annotations

from importlib.metadata import entry_points

from wirefeed.connectors.base import Connector, FeedError, FeedRef

__all__ = ["Connector", "FeedError", "FeedRef", "available", "get_connector"]

_BUILTIN = {
    "rss": "wirefeed.connectors.rss:RssConnector",
    "newsml-g2": "wirefeed.connectors.newsml_g2:NewsMLG2Connector",
    "newsml-1.2": "wirefeed.connectors.newsml_12:NewsML12Connector",
    "ninjs": "wirefeed.connectors.ninjs:NinjsConnector",
    "nitf": "wirefeed.connectors.nitf:NitfConnector",
    "jsonfeed": "wirefeed.connectors.jsonfeed:JsonFeedConnector",
    "news-sitemap": "wirefeed.connectors.sitemap:NewsSitemapConnector",
    "wire": "wirefeed.connectors.wire:WireConnector",
    "folder": "wirefeed.connectors.folder:FolderConnector",
}


def available() -> dict[str, str]:
    """Connector name -> "module:Class", installed plugins over the built-ins."""
    found = dict(_BUILTIN)
    for ep in entry_points(group="wirefeed.connectors"):
        found[ep.name] = ep.value
    return found


def get_connector(name: str, **kwargs) -> Connector:
    target = available().get(name)
    if target is None:
        raise KeyError(f"no connector named {name!r}; installed: {', '.join(sorted(available()))}")
    module_name, _, class_name = target.partition(":")
    module = __import__(module_name, fromlist=[class_name])
    return getattr(module, class_name)(**kwargs)
