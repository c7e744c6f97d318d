#!/usr/bin/env bash
# Builds the MongoDB-compatible test server (FerretDB, SQLite backend) once and caches the binary
# outside the repository, so a second run and a fresh clone on the same machine reuse it:
#   ${SESSIONPP_FERRETDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sessionpp/ferretdb-<version>}/ferretdb
#
# A plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics
# at start for lack of its generated build/version/version.txt. We therefore build cmd/ferretdb
# from a copy of the module (fetched through the Go module proxy with plain `go mod download`) with
# that file written. We build the full command rather than embedding the `ferretdb` package because
# only the command exposes authentication (--test-enable-new-auth, --setup-username/password),
# which the tests need to exercise the username/password path.
set -euo pipefail

version="${SESSIONPP_FERRETDB_VERSION:-v1.24.2}"
cache="${SESSIONPP_FERRETDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sessionpp/ferretdb-$version}"
bin="$cache/ferretdb"

if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "setup: ferretdb: Go is not installed; cannot build the MongoDB-compatible test server" >&2
  exit 1
fi

# FerretDB v1.24 needs Go 1.24 or later (Debian 12's golang-go is 1.19: use a Go from go.dev).
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [ -z "$go_minor" ] || [ "$go_minor" -lt 24 ]; then
  echo "setup: ferretdb: needs Go >= 1.24 to build FerretDB $version; found $(go env GOVERSION)" >&2
  exit 1
fi

echo "setup: building FerretDB $version (SQLite backend) into $cache (one-off; a few minutes)"
mkdir -p "$cache"
work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Fetch the module source through the proxy; `go mod download -json` prints where it lives.
dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "setup: ferretdb: go mod download of github.com/FerretDB/FerretDB@$version failed" >&2
  exit 1
fi

cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
printf '%s\n' "$version" >"$work/src/build/version/version.txt"
printf 'sessionpp-test\n' >"$work/src/build/version/package.txt"

# Only the SQLite backend: smaller build, no further server needed. The binary is static-ish
# (modernc sqlite, pure Go), so CGO is not needed.
(cd "$work/src" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
  go build -trimpath -tags ferretdb_no_postgresql -o "$work/ferretdb" ./cmd/ferretdb)

"$work/ferretdb" --version >/dev/null
mv -f "$work/ferretdb" "$bin"
echo "setup: FerretDB $version ready: $bin"
