#!/usr/bin/env bash
# Installs what the test suite needs beyond npm, loudly and idempotently:
#   - Debian packages: librdkafka-dev (mock cluster C API), kcat (second, independent client), chromium (report/dashboard tests)
#   - build/mock-broker: the C launcher in tools/mock-broker/, rebuilt when its source is newer.
# Skips the apt step when KAFKA_BROKERS points at a real cluster and chromium is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
dpkg -s librdkafka-dev >/dev/null 2>&1 || need+=(librdkafka-dev)
command -v kcat >/dev/null 2>&1 || need+=(kcat)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v cc >/dev/null 2>&1 || need+=(gcc)

if [ ${#need[@]} -gt 0 ]; then
  echo "kpart: installing Debian packages for the test suite: ${need[*]}"
  if [ "$(id -u)" != "0" ]; then
    SUDO=sudo
    command -v sudo >/dev/null 2>&1 || { echo "kpart: need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1; }
  else
    SUDO=
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
  echo "kpart: Debian packages installed"
fi

src=tools/mock-broker/mock-broker.c
bin=build/mock-broker
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  echo "kpart: building $bin against librdkafka $(pkg-config --modversion rdkafka 2>/dev/null || echo '?')"
  mkdir -p build
  cc -O2 -Wall -o "$bin" "$src" -lrdkafka
fi
