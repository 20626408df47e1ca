# Shared by bin/run and bin/test: reachability checks and a private Redis.

port_open() {  # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

redis_host_port() {  # redis://host:port/db -> "host port"
  local rest=${1#redis://}
  rest=${rest#*@}
  rest=${rest%%/*}
  local host=${rest%%:*} port=6379
  [[ $rest == *:* ]] && port=${rest##*:}
  echo "$host $port"
}

# Make sure something answers at $REALTIME_REDIS_URL; start a private
# redis-server under var/ when nothing does and one is installed.
ensure_redis() {
  # Sentinel and TLS URLs name a managed Redis: nothing to start here, the clients find it.
  case "$REALTIME_REDIS_URL" in redis+sentinel://*|rediss://*) return 0 ;; esac
  read -r host port < <(redis_host_port "$REALTIME_REDIS_URL")
  if port_open "$host" "$port"; then
    return 0
  fi
  if ! command -v redis-server >/dev/null; then
    echo "Realtime needs Redis: install redis-server (Debian: apt-get install redis-server) or set REALTIME_REDIS_URL." >&2
    return 1
  fi
  mkdir -p var/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$PWD/var/redis" \
    --appendonly yes --appendfsync everysec --save "" \
    --pidfile "$PWD/var/redis/redis.pid" --logfile "$PWD/var/redis/redis.log"
  for _ in $(seq 50); do port_open 127.0.0.1 "$port" && return 0; sleep 0.1; done
  echo "redis-server did not start; see var/redis/redis.log" >&2
  return 1
}
