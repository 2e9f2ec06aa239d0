#!/usr/bin/env bash
# Interop tests: stock SOAP clients against the mktows emulator.
#
#   tests/interop/run.sh            # both clients
#   tests/interop/run.sh php zeep   # a selection
#
# Builds `mktows-emulator`, and for each client starts a fresh emulator (demo dataset, a free
# 127.0.0.1 port, a known test user id and encryption key), waits until `<endpoint>?WSDL` answers,
# runs the client, and stops the emulator. INTEROP_TRACE=1 makes the clients print every raw
# request and response. Needs what tests/interop/install.sh installs.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Neutral test credentials, used only against the local emulator.
USER_ID="interop_user_0000000000000001"
KEY="interop-test-encryption-key-0001"

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
PYTHON="${INTEROP_PYTHON:-$TARGET_DIR/interop-venv/bin/python}"
WORK="$TARGET_DIR/interop"
mkdir -p "$WORK"

clients=("$@")
[ ${#clients[@]} -gt 0 ] || clients=(php zeep)
for c in "${clients[@]}"; do
  case "$c" in
    php) command -v php >/dev/null && php -r 'exit(class_exists("SoapClient") ? 0 : 1);' \
           || { echo "interop: php with SoapClient is missing; run tests/interop/install.sh" >&2; exit 1; } ;;
    zeep) "$PYTHON" -c 'import zeep' 2>/dev/null \
           || { echo "interop: $PYTHON cannot import zeep; run tests/interop/install.sh" >&2; exit 1; } ;;
    *) echo "interop: unknown client '$c' (php, zeep)" >&2; exit 2 ;;
  esac
done

echo "interop: building mktows-emulator"
cargo build -q -p mktows-emulator --bin mktows-emulator
BIN="$TARGET_DIR/debug/mktows-emulator"

EMU_PID=""
CLIENT_PID=""
stop_client() {
  if [ -n "$CLIENT_PID" ] && kill -0 "$CLIENT_PID" 2>/dev/null; then
    kill "$CLIENT_PID" 2>/dev/null || true
    wait "$CLIENT_PID" 2>/dev/null || true
  fi
  CLIENT_PID=""
}
stop_emulator() {
  if [ -n "$EMU_PID" ] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
  EMU_PID=""
}
trap 'stop_client; stop_emulator' EXIT
trap 'echo "interop: interrupted; stopping the client and the emulator" >&2; exit 130' INT TERM

# Starts an emulator; sets ENDPOINT and EMU_LOG. Returns non-zero with a message on failure.
start_emulator() {
  local name="$1"
  EMU_LOG="$WORK/emulator-$name.log"
  "$BIN" --port 0 --user-id "$USER_ID" --encryption-key "$KEY" >"$EMU_LOG" 2>&1 &
  EMU_PID=$!
  ENDPOINT=""
  local i
  for i in $(seq 1 300); do
    if ! kill -0 "$EMU_PID" 2>/dev/null; then
      echo "interop: the emulator exited during start-up; its output:" >&2
      cat "$EMU_LOG" >&2
      EMU_PID=""
      return 1
    fi
    ENDPOINT="$(sed -n 's/^export MARKETO_SOAP_ENDPOINT=//p' "$EMU_LOG" | head -n1)"
    [ -n "$ENDPOINT" ] && break
    sleep 0.1
  done
  if [ -z "$ENDPOINT" ]; then
    echo "interop: the emulator printed no MARKETO_SOAP_ENDPOINT= line within 30 s; its output:" >&2
    cat "$EMU_LOG" >&2
    return 1
  fi
  case "$ENDPOINT" in
    http://127.0.0.1:*) ;;
    *) echo "interop: the emulator listens on $ENDPOINT, not on 127.0.0.1" >&2; return 1 ;;
  esac
  # Ready when the WSDL is served, with soap:address rewritten to this endpoint.
  local wsdl="$WORK/emulator-$name.wsdl"
  for i in $(seq 1 100); do
    if curl -fsS --max-time 2 -o "$wsdl" "$ENDPOINT?WSDL" 2>/dev/null; then
      if grep -q "location=\"$ENDPOINT\"" "$wsdl"; then
        return 0
      fi
      echo "interop: $ENDPOINT?WSDL does not name $ENDPOINT as its soap:address:" >&2
      grep -n 'address location=' "$wsdl" >&2 || true
      return 1
    fi
    sleep 0.1
  done
  echo "interop: $ENDPOINT?WSDL did not answer within 10 s" >&2
  return 1
}

# Runs in a background subshell (so that a signal to this script stops it at once).
run_client() {
  export MARKETO_SOAP_ENDPOINT="$ENDPOINT" MARKETO_USER_ID="$USER_ID" MARKETO_ENCRYPTION_KEY="$KEY"
  case "$1" in
    php) exec php tests/interop/php/schedule_campaign.php ;;
    zeep) exec "$PYTHON" tests/interop/python/zeep_client.py ;;
  esac
}

failed=()
for c in "${clients[@]}"; do
  echo "interop: === $c ==="
  if ! start_emulator "$c"; then
    failed+=("$c (emulator did not start)")
    stop_emulator
    continue
  fi
  echo "interop: emulator at $ENDPOINT (pid $EMU_PID)"
  status=0
  run_client "$c" &
  CLIENT_PID=$!
  wait "$CLIENT_PID" || status=$?
  CLIENT_PID=""
  stop_emulator
  if [ "$status" -ne 0 ]; then
    failed+=("$c (exit $status)")
    echo "interop: $c FAILED (exit $status); emulator log: $EMU_LOG"
  else
    echo "interop: $c passed"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "interop: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "interop: all clients passed (${clients[*]})"
