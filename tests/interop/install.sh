#!/usr/bin/env bash
# Installs what the interop tests need: PHP's stock SoapClient (Debian's php-cli and php-soap)
# and Python zeep (from PyPI, into a venv under target/interop-venv). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."

ZEEP_VERSION="4.3.3"
VENV="${CARGO_TARGET_DIR:-target}/interop-venv"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
apt_updated=""
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -q
    apt_updated=1
  fi
  as_root apt-get install -y -q "$@"
}

if command -v php >/dev/null 2>&1 && php -r 'exit(class_exists("SoapClient") ? 0 : 1);'; then
  echo "interop: php with SoapClient already present ($(php -r 'echo PHP_VERSION;'))"
else
  echo "interop: installing php-cli php-soap"
  apt_install php-cli php-soap
  php -r 'exit(class_exists("SoapClient") ? 0 : 1);' || {
    echo "interop: php is installed but SoapClient is missing (php-soap not enabled?)" >&2
    exit 1
  }
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "interop: creating $VENV"
  if ! python3 -m venv "$VENV"; then
    # Debian's own python3 needs python3-venv for ensurepip.
    rm -rf "$VENV"
    apt_install python3-venv
    python3 -m venv "$VENV"
  fi
fi
if [ "$("$VENV/bin/python" -c 'import zeep; print(zeep.__version__)' 2>/dev/null)" = "$ZEEP_VERSION" ]; then
  echo "interop: zeep $ZEEP_VERSION already present"
else
  echo "interop: pip install zeep==$ZEEP_VERSION"
  "$VENV/bin/python" -m pip install -q "zeep==$ZEEP_VERSION"
fi
