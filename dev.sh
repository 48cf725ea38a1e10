#!/usr/bin/env bash
# The two commands a newcomer needs (see README.md):
#   ./dev.sh demo   set up, start the local services, serve the sample feeds, run the job, search
#   ./dev.sh test   set up, start the local services, run the whole test suite against them
set -euo pipefail
cd "$(dirname "$0")"
export WIREFEED_HOME="${WIREFEED_HOME:-$PWD/.wirefeed}"
VENV="${WIREFEED_VENV:-$PWD/.venv}"

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check -c constraints.txt -e ".[test]"
  export PATH="$VENV/bin:$PATH"
  wirefeed services up
}

case "${1:-}" in
  demo)
    setup
    port="${WIREFEED_SAMPLES_PORT:-8765}"
    wirefeed samples --port "$port" 2>>"$WIREFEED_HOME/logs/samples.log" &
    samples_pid=$!
    trap 'kill $samples_pid 2>/dev/null || true' EXIT
    sleep 1
    code=0
    wirefeed run || code=$?
    echo "wirefeed run exited with $code (0 ok, 1 some items in the dead-letter topic, 2 bad config, 3 failed)"
    wirefeed search "انهيار جسر"
    wirefeed search "rail strike"
    wirefeed search "élections municipales"
    echo "Services are still running: 'wirefeed services status', stop them with 'wirefeed services down'."
    exit "$code"
    ;;
  test)
    setup
    shift
    python -m pytest -q -p no:cacheprovider "$@" tests
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
