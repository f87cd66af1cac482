#!/bin/sh
# `npm ci` inside an image build, with the builder's own npm settings and CA certificates when given
# as BuildKit secrets (never written to a layer):
#   docker build --secret id=npmrc,src=$HOME/.npmrc --secret id=ca,src=/path/to/ca-bundle.pem …
# `npmrc` holds a registry mirror (registry=…) and its credentials; `ca` the certificates of a
# TLS-intercepting proxy or a private mirror. Both are optional.
set -eu
if [ -s /run/secrets/npmrc ]; then export NPM_CONFIG_USERCONFIG=/run/secrets/npmrc; fi
if [ -s /run/secrets/ca ]; then
  export NPM_CONFIG_CAFILE=/run/secrets/ca
  export NODE_EXTRA_CA_CERTS=/run/secrets/ca
fi
exec npm ci --ignore-scripts --no-audit --no-fund "$@"
