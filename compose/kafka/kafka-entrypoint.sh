#!/bin/bash
# Writes server.properties from the environment as the official apache/kafka image does (KAFKA_FOO_BAR=x becomes
# foo.bar=x; "__" stands for "_" and "___" for "-"), formats the log directory on first start, then runs the broker.
set -euo pipefail
config=/opt/kafka/config/server.properties
: > "$config"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS | KAFKA_VERSION) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key=${name#KAFKA_}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  key=${key//@/_}
  printf '%s=%s\n' "${key,,}" "$value" >> "$config"
done < <(env)
log_dirs=$(sed -n 's/^log\.dirs=//p' "$config")
if [ -z "$log_dirs" ]; then
  log_dirs=/var/lib/kafka/data
  echo "log.dirs=$log_dirs" >> "$config"
fi
classpath='/opt/kafka/libs/*'
if [ ! -f "${log_dirs%%,*}/meta.properties" ]; then
  java -cp "$classpath" kafka.tools.StorageTool format --cluster-id "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" \
    --config "$config" --ignore-formatted
fi
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m} ${KAFKA_OPTS:-} -XX:+ExitOnOutOfMemoryError \
  -cp "$classpath" kafka.Kafka "$config"
