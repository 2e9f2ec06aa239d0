#!/usr/bin/env bash
# Generates a crate from each vendor WSDL (mktows-2_1/2_2/2_3.wsdl, reference material outside
# the repository), from wsdl/mktows.wsdl and from the valid edge-case WSDLs of the codegen tests, and builds each as the `src/` of a crate whose only
# dependency is mktows-runtime. Usage: scripts/check-vendor-wsdls.sh [DIR-WITH-VENDOR-WSDLS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${1:-${MKTOWS_VENDOR_WSDL_DIR:-../shared/wsdl}}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

# Ours, and the valid edge cases of the codegen test corpus (no SOAP headers, every built-in,
# recursion, keyword names).
wsdls=("$root/wsdl/mktows.wsdl" "$root"/codegen/tests/malformed/ok-*.wsdl)
if [ -d "$dir" ]; then
  for f in "$dir"/*.wsdl; do wsdls+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
else
  echo "note: $dir not found; checking only wsdl/mktows.wsdl"
fi

cargo build -q -p mktows-codegen
for wsdl in "${wsdls[@]}"; do
  name=$(basename "$wsdl" .wsdl | tr -c 'a-zA-Z0-9\n' '_')
  crate="$CARGO_TARGET_DIR/generated-check/$name"
  rm -rf "$crate" && mkdir -p "$crate/src"
  "$CARGO_TARGET_DIR/debug/codegen" generate --wsdl "$wsdl" --out "$crate/src"
  cat > "$crate/Cargo.toml" <<TOML
[package]
name = "check_$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
mktows-runtime = { path = "$root/runtime" }

# Its own workspace: it is not a member of the project's.
[workspace]
TOML
  cp "$root/Cargo.lock" "$crate/Cargo.lock"
  # Same target dir and profile as the workspace build, so only the generated crate compiles.
  cargo build -q --manifest-path "$crate/Cargo.toml"
  cargo clippy -q --manifest-path "$crate/Cargo.toml" -- -D warnings
  echo "ok: $(basename "$wsdl") generates a crate that builds clippy-clean"
done
