# shellcheck shell=bash
# Shared helpers for the scripts in this folder; sourced, not run.

# A banner before each step, so a failure in a long log is easy to place.
section() {
  if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    printf '\n\033[1m==> %s\033[0m\n' "$*"
  else
    printf '\n==> %s\n' "$*"
  fi
}

note() {
  printf '    %s\n' "$*"
}

die() {
  printf '\nERROR: %s\n' "$*" >&2
  exit 1
}

have() {
  command -v "$1" >/dev/null 2>&1
}

is_root() {
  [ "$(id -u)" = 0 ]
}

# Installs Debian packages, running `apt-get update` once per script run first.
apt_install() {
  is_root || die "cannot install $* without root: install it yourself (apt-get install $*) and run again"
  have apt-get || die "cannot install $*: apt-get not found; install it with your system's package manager"
  if [ -z "${PARTNERS_APT_UPDATED:-}" ]; then
    note "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    export PARTNERS_APT_UPDATED=1
  fi
  note "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The C libraries the backend links: libpq (diesel's PostgreSQL driver) and OpenSSL (mail over TLS).
ensure_build_deps() {
  if have pkg-config && pkg-config --exists libpq openssl 2>/dev/null; then
    return 0
  fi
  note "installing the C libraries the backend links (libpq, OpenSSL)"
  apt_install pkg-config libpq-dev libssl-dev
}

# Runs `npm ci` in frontend/ only when node_modules is missing or package-lock.json changed
# since the last install (a hash of the lock file is kept inside node_modules).
ensure_frontend_deps() {
  local dir=$1
  local stamp="$dir/node_modules/.partners-lock-sha256"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -d "$dir/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    note "frontend/node_modules is up to date with package-lock.json"
    return 0
  fi
  # npm ci is strict about optional platform packages that the lock file (written with
  # omit-lockfile-registry-resolved) leaves out; npm install then keeps the locked versions.
  if ! (cd "$dir" && npm ci --no-audit --no-fund); then
    note "npm ci refused the lock file; installing the locked versions with npm install"
    (cd "$dir" && npm install --no-audit --no-fund)
  fi
  printf '%s\n' "$want" >"$stamp"
}
