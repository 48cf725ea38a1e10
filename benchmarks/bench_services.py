"""Start-up time of `wirefeed services up`, cold and warm, on ports of its own.

    python -m benchmarks.bench_services [--empty-caches]

cold: a new WIREFEED_HOME, as on a fresh clone: Kafka jars and the Elasticsearch zip are resolved
      by Maven, Prism is built by `go install` (from the machine's Maven and Go caches, unless
      --empty-caches points Maven and Go at empty ones, so everything comes from the registries).
warm: `down`, then `up` again on the same home: everything cached, only the JVMs start.
The baseline is the warm start: the ratio says how much a fresh clone pays on top.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def services(action: str, env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", action], env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"services {action} failed:\n{result.stderr}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--empty-caches", action="store_true")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="wirefeed-bench-services-")
    env = dict(os.environ, WIREFEED_HOME=os.path.join(scratch, "home"), WIREFEED_KAFKA_PORT="29092",
               WIREFEED_KAFKA_CONTROLLER_PORT="29093", WIREFEED_ES_PORT="29200", WIREFEED_ES_TRANSPORT_PORT="29300",
               WIREFEED_SERVICES_TIMEOUT="300")
    if args.empty_caches:
        env.update(GOMODCACHE=os.path.join(scratch, "gomod"), GOCACHE=os.path.join(scratch, "gocache"),
                   MAVEN_OPTS=f"-Dmaven.repo.local={os.path.join(scratch, 'm2')}")
    try:
        cold = services("up", env)
        services("down", env)
        warm = services("up", env)
        services("down", env)
    finally:
        subprocess.run([sys.executable, "-m", "wirefeed.cli", "services", "down"], env=env, capture_output=True)
        es_root = os.path.join(scratch, "home", "elasticsearch")
        if os.path.islink(es_root):  # the node's files went outside the private scratch folder
            shutil.rmtree(os.path.dirname(os.path.realpath(es_root)), ignore_errors=True)
        subprocess.run(["chmod", "-R", "u+w", scratch])
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps({"benchmark": "services-up", "empty_caches": args.empty_caches, "cold_seconds": round(cold, 1),
                      "warm_seconds": round(warm, 1), "cold_to_warm": round(cold / warm, 2)}, indent=2))


if __name__ == "__main__":
    main()
