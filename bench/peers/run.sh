#!/usr/bin/env bash
# Decode the same getMultipleLeads response (10,000 leads × 20 attributes, ~22 MB) with
# mktows-rs and with stock SOAP clients from the package registries, in one run, and print one
# table of MB/s and ratios.
#
#   bench/peers/run.sh            # everything
#   PEERS_SECONDS=10 bench/peers/run.sh
#   PEERS_SKIP="suds node" bench/peers/run.sh
#
# Installs (once) under target/mktows-bench/: a Python venv with zeep and suds-community from
# PyPI, and node-soap from npm (skipped when npm is missing). Nothing goes outside target/.
# Each client decodes the file repeatedly for PEERS_SECONDS (default 5) and reports its best
# run; suds is so slow that it is timed once.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}
work=$target/mktows-bench
seconds=${PEERS_SECONDS:-5}
skip=" ${PEERS_SKIP:-} "
mkdir -p "$work"

ZEEP_VERSION=4.3.3
SUDS_VERSION=1.2.0
NODE_SOAP_VERSION=1.13.0

venv=$work/peers-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check \
  "zeep==$ZEEP_VERSION" "suds-community==$SUDS_VERSION"

node_dir=$work/peers-node
have_node=0
if [[ "$skip" != *" node "* ]] && command -v npm >/dev/null && command -v node >/dev/null; then
  mkdir -p "$node_dir"
  [ -f "$node_dir/package.json" ] || echo '{"private": true}' >"$node_dir/package.json"
  if [ ! -f "$node_dir/node_modules/soap/package.json" ] ||
     [ "$(node -p "require('$node_dir/node_modules/soap/package.json').version")" != "$NODE_SOAP_VERSION" ]; then
    (cd "$node_dir" && npm install --silent --no-audit --no-fund "soap@$NODE_SOAP_VERSION")
  fi
  have_node=1
fi

cargo build --release -q -p mktows-bench --bin mktows-bench
bin=$target/release/mktows-bench
file=$("$bin" gen)
wsdl=$root/wsdl/mktows.wsdl

results=$(mktemp)
trap 'rm -f "$results"' EXIT

echo "input: $file ($(wc -c <"$file") bytes)" >&2
echo "running mktows-rs ..." >&2
"$bin" decode-mbps "$file" "$seconds" | grep -v '^bytes' >>"$results"
if [[ "$skip" != *" zeep "* ]]; then
  echo "running zeep ..." >&2
  "$venv/bin/python" bench/peers/zeep_decode.py "$wsdl" "$file" "$seconds" 3 >>"$results"
fi
if [[ "$skip" != *" suds "* ]]; then
  echo "running suds (slow: one run of about a minute or more) ..." >&2
  "$venv/bin/python" bench/peers/suds_decode.py "$wsdl" "$file" 0 1 >>"$results"
fi
if [ "$have_node" = 1 ]; then
  echo "running node-soap ..." >&2
  NODE_PATH=$node_dir/node_modules node bench/peers/node_soap_decode.js "$wsdl" "$file" "$seconds" 3 >>"$results"
fi

echo
echo "Decode of $(basename "$file") ($(wc -c <"$file") bytes), best run each, same run; machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -F'\t' '
  NR == 1 { ours = $2 }
  { name[NR] = $1; mbps[NR] = $2; runs[NR] = $3 }
  END {
    printf "| %-40s | %9s | %17s | %17s | %4s |\n", "decoder", "MB/s", "vs. mktows-rs", "mktows-rs speedup", "runs"
    printf "|%s|%s|%s|%s|%s|\n", "------------------------------------------", "-----------", "-------------------", "-------------------", "------"
    for (i = 1; i <= NR; i++) {
      printf "| %-40s | %9.1f | %16.3fx | %16.1fx | %4d |\n", name[i], mbps[i], mbps[i] / ours, ours / mbps[i], runs[i]
    }
  }' "$results"
