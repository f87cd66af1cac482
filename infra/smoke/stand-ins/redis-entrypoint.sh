#!/bin/sh
# As the official image: a root start takes /data for `redis` and drops to it.
set -eu
if [ "$(id -u)" = 0 ]; then
  chown -R redis:redis /data
  exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
