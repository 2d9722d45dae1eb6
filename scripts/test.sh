#!/usr/bin/env bash
# Runs every check and test of Alongside, as CI does. It installs what it
# needs (redis-server from the system's packages) and fails loudly when it
# can't. Usage: scripts/test.sh   (from anywhere in the repo)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "tools"
command -v go >/dev/null || die "go is not installed (need Go 1.26)"
if ! command -v redis-server >/dev/null; then
	echo "redis-server missing: installing it from the system's packages"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	command -v apt-get >/dev/null || die "redis-server is missing and apt-get is not available: install Redis 7 yourself"
	$sudo apt-get update -qq || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null || die "could not install redis-server"
fi
go version
redis-server --version

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './api/gen/*'))
[ -z "$unformatted" ] || die "not gofmt-formatted: $unformatted"

step "go vet"
go vet ./...

step "buf lint"
go tool buf lint

step "generated code is up to date"
go tool buf generate
if git rev-parse --git-dir >/dev/null 2>&1; then
	changed=$(git status --porcelain -- api/gen)
	[ -z "$changed" ] || die "api/gen differs from 'go tool buf generate' output; regenerate and commit:
$changed"
fi

step "go test -race"
go test -race -count=1 ./...
