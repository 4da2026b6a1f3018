#!/usr/bin/env bash
# A single OpenSearch 2.19 node for the search tests and benchmark, built from Maven Central jars
# (there is no distribution tarball on this network; see .ci/opensearch-node/).
#
#   .ci/opensearch.sh          build if needed, start in the background (or reuse a running node),
#                              wait until the cluster is green/yellow, print the sohoa search URL
#   .ci/opensearch.sh stop     stop the node this script started
#
# Environment: OPENSEARCH_PORT (9200), OPENSEARCH_TRANSPORT_PORT (PORT+100), OPENSEARCH_HEAP (512m),
# OPENSEARCH_DIR (/tmp/sohoa-opensearch: data, log, pid). Stdout is only the URL
# (opensearch://127.0.0.1:PORT); progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/opensearch-node"

PORT="${OPENSEARCH_PORT:-9200}"
TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-$((PORT + 100))}"
HEAP="${OPENSEARCH_HEAP:-512m}"
DIR="${OPENSEARCH_DIR:-/tmp/sohoa-opensearch}"
HEALTH="http://127.0.0.1:${PORT}/_cluster/health"
URL="opensearch://127.0.0.1:${PORT}"
say() { echo "opensearch.sh: $*" >&2; }

if [ "${1:-}" = "stop" ]; then
  if [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
    kill "$(cat "$DIR/pid")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$DIR/pid")" 2>/dev/null || break; sleep 0.5; done
    say "stopped"
  fi
  rm -f "$DIR/pid"
  exit 0
fi

healthy() { curl -fsS "${HEALTH}?wait_for_status=yellow&timeout=1s" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'; }

if healthy; then
  say "a node already answers on port ${PORT}"
  echo "$URL"
  exit 0
fi

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  say "installing Java 17 and Maven"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jdk-headless maven >&2
fi

# Build when the jar is missing or older than its sources.
if [ ! -f target/opensearch-node.jar ] || [ ! -f target/classpath.txt ] \
   || [ -n "$(find pom.xml src -newer target/opensearch-node.jar -print -quit)" ]; then
  say "building the node (mvn package; the first build downloads ~60 MB of jars)"
  start=$(date +%s)
  mvn -q -B package >&2
  say "built in $(( $(date +%s) - start )) s"
fi

mkdir -p "$DIR"
rm -rf "$DIR/data" "$DIR/home"  # derived data only: every start is a fresh cluster
say "starting on 127.0.0.1:${PORT} (heap ${HEAP}, log ${DIR}/node.log)"
nohup java -Xms256m "-Xmx${HEAP}" -XX:+UseSerialGC -Djava.awt.headless=true \
  -cp "target/opensearch-node.jar:$(cat target/classpath.txt)" sohoa.ci.SingleNode \
  "$DIR/home" "$DIR/data" "$PORT" "$TRANSPORT_PORT" >"$DIR/node.log" 2>&1 </dev/null &
echo $! >"$DIR/pid"

for _ in $(seq 1 180); do
  if healthy; then
    say "ready"
    echo "$URL"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
    say "the node exited; last lines of its log:"
    tail -n 30 "$DIR/node.log" >&2
    exit 1
  fi
  sleep 1
done
say "the node did not become ready in 180 s; last lines of its log:"
tail -n 30 "$DIR/node.log" >&2
exit 1
