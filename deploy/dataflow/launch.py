"""Flex-template entry point: builds wirefeed's streaming pipeline from the template's parameters
(the same options `wirefeed process --streaming` passes) and hands it to Dataflow."""
from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    from wirefeed.pipelines.streaming import launch_from_options

    launch_from_options(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
