#!/usr/bin/env bash
# Starts one OpenSearch node built from Maven Central artifacts (no
# distribution tarball): `mvn package` copies the server jar and its
# dependencies to DIST/lib and the two modules we need (transport-netty4 for
# HTTP and transport, analysis-common for the stemmer and folding filters)
# to DIST/modules/*, and this script writes what the distribution would
# otherwise carry: each module's plugin-descriptor.properties and security
# policy, opensearch.yml and log4j2.properties. It then execs java, so the
# caller's child process IS the node and killing it stops the node.
#
# usage: start-node.sh HOME NODE_NAME HTTP_PORT TRANSPORT_PORT [SEED_TRANSPORT_PORTS]
#   HOME                   node directory (config, data, logs); created
#   SEED_TRANSPORT_PORTS   comma-separated transport ports of a cluster's
#                          nodes (names n1,n2,... in that order); absent =
#                          a single-node cluster
# env: OPENSEARCH_DIST        where to lay the jars (default: tests/opensearch/target/dist)
#      OPENSEARCH_HEAP        JVM heap (default 384m)
#      OPENSEARCH_JAVA_OPTS   more JVM options (tests: a quick start)
#      OPENSEARCH_PARENT_PID  stop the node when this process is gone (tests
#                             set it, so a test that dies leaves no node)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="$1" name="$2" http_port="$3" transport_port="$4" seeds="${5:-}"
dist="${OPENSEARCH_DIST:-$here/target/dist}"
heap="${OPENSEARCH_HEAP:-384m}"
version=2.19.6

# One layout per dist directory; the lock keeps three nodes started at once
# from running maven over each other.
mkdir -p "$dist"
(
  flock 9
  if [ ! -f "$dist/.complete-$version" ]; then
    rm -rf "$dist/lib" "$dist/modules"
    mvn -q -B -f "$here/pom.xml" package -Dnode.dist="$dist" >&2
    descriptor() { # dir name classname
      cat >"$dist/modules/$1/plugin-descriptor.properties" <<DESC
description=$1 module (laid out by newsidx tests)
version=$version
name=$1
classname=$2
java.version=11
opensearch.version=$version
DESC
    }
    descriptor transport-netty4 org.opensearch.transport.Netty4Plugin
    descriptor analysis-common org.opensearch.analysis.common.CommonAnalysisPlugin
    # The distribution's own policy for the netty module.
    cat >"$dist/modules/transport-netty4/plugin-security.policy" <<'POLICY'
grant codeBase "${codebase.netty-common}" {
  permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
  permission java.net.SocketPermission "*", "accept,connect";
  permission java.lang.RuntimePermission "*", "setContextClassLoader";
};
grant codeBase "${codebase.netty-transport}" {
  permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
};
POLICY
    touch "$dist/.complete-$version"
  fi
) 9>"$dist/.lock"

mkdir -p "$home/config" "$home/data" "$home/logs" "$home/tmp"
{
  echo "cluster.name: newsidx-test"
  echo "node.name: $name"
  echo "path.data: $home/data"
  echo "path.logs: $home/logs"
  echo "network.host: 127.0.0.1"
  echo "http.port: $http_port"
  echo "transport.port: $transport_port"
  echo "cluster.routing.allocation.disk.threshold_enabled: false"
  echo "bootstrap.system_call_filter: false"
  if [ -n "${OPENSEARCH_PROCESSORS:-}" ]; then echo "node.processors: $OPENSEARCH_PROCESSORS"; fi
  if [ -z "$seeds" ]; then
    echo "discovery.type: single-node"
  else
    hosts="" names="" i=0
    IFS=, read -ra ports <<<"$seeds"
    for p in "${ports[@]}"; do
      i=$((i + 1))
      hosts="$hosts${hosts:+, }\"127.0.0.1:$p\""
      names="$names${names:+, }n$i"
    done
    echo "discovery.seed_hosts: [$hosts]"
    echo "cluster.initial_cluster_manager_nodes: [$names]"
  fi
} >"$home/config/opensearch.yml"
cat >"$home/config/log4j2.properties" <<'LOG'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
rootLogger.level = warn
rootLogger.appenderRef.console.ref = console
logger.node.name = org.opensearch.node.Node
logger.node.level = info
LOG
ln -sfn "$dist/modules" "$home/modules"
mkdir -p "$home/plugins"

# OpenSearch refuses to run as root when it can check (through JNA's native
# library); CI runs as root. The JNA classes must stay on the class path (the
# bootstrap links against them), so its native library is made unloadable
# instead (jna.nosys/nounpack below), which OpenSearch handles as "natives
# unavailable": no root check, no mlockall, nothing else a test needs.
cp="$(printf '%s:' "$dist"/lib/*.jar)"

if [ -n "${OPENSEARCH_PARENT_PID:-}" ]; then
  node=$$ parent="$OPENSEARCH_PARENT_PID"
  (
    while kill -0 "$parent" 2>/dev/null && kill -0 "$node" 2>/dev/null; do sleep 1; done
    kill -9 "$node" 2>/dev/null
  ) </dev/null >/dev/null 2>&1 &
fi

exec java -Xms"$heap" -Xmx"$heap" -XX:+UseSerialGC -Xss1m \
  -Djava.io.tmpdir="$home/tmp" -Dfile.encoding=UTF-8 -Djava.awt.headless=true \
  -Dlog4j2.formatMsgNoLookups=true -Dlog4j.shutdownHookEnabled=false \
  -Djna.nosys=true -Djna.nounpack=true -Djna.boot.library.path=/nonexistent \
  -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
  -Dio.netty.recycler.maxCapacityPerThread=0 -Djava.locale.providers=SPI,COMPAT \
  -Dopensearch.path.home="$home" -Dopensearch.path.conf="$home/config" \
  -Dopensearch.distribution.type=tar -Dopensearch.bundled_jdk=false \
  ${OPENSEARCH_JAVA_OPTS:-} \
  -cp "$cp" org.opensearch.bootstrap.OpenSearch
