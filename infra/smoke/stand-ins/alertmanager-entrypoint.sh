#!/bin/sh
# Alertmanager 0.25 with 0.27's `bot_token_file`: inline the token into a copy of the configuration
# on /tmp (the container's tmpfs), then run it with that copy.
set -eu
config=/etc/alertmanager/alertmanager.yml
for arg in "$@"; do
  case "$arg" in --config.file=*) config=${arg#--config.file=} ;; esac
done
copy=/tmp/alertmanager.yml
: >"$copy"
chmod 600 "$copy"
while IFS= read -r line; do
  case "$line" in
    *bot_token_file:*)
      file=$(echo "${line#*bot_token_file:}" | tr -d ' ')
      printf '%s\n' "${line%%bot_token_file:*}bot_token: '$(cat "$file")'" >>"$copy"
      ;;
    *) printf '%s\n' "$line" >>"$copy" ;;
  esac
done <"$config"
args=""
for arg in "$@"; do
  case "$arg" in --config.file=*) ;; *) args="$args $arg" ;; esac
done
# shellcheck disable=SC2086 # the arguments are flags without spaces
exec /usr/bin/prometheus-alertmanager --config.file="$copy" $args
