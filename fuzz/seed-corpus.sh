#!/bin/sh
# Fills fuzz/corpus/<target>/ with seeds from the repository's fixtures (run from anywhere).
# The corpora grow while fuzzing and are not committed; fuzz/seeds/ holds the few extra
# hand-written seeds that are, fuzz/regressions/ the inputs that once crashed a target.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus="$here/corpus"
mkdir -p "$corpus/decode_response" "$corpus/codegen_wsdl" "$corpus/emulator_request"

# Responses and requests of all 23 operations, plus the hand-written envelopes in seeds/.
for f in "$root"/tests/fixtures/responses/*.xml; do
    cp "$f" "$corpus/decode_response/response-$(basename "$f")"
done
# emulator_request inputs start with a selector byte: 0x01 = re-sign the body (see the target).
for f in "$root"/tests/fixtures/requests/*.xml; do
    cp "$f" "$corpus/decode_response/request-$(basename "$f")"
    { printf '\001'; cat "$f"; } > "$corpus/emulator_request/$(basename "$f")"
done
for f in "$here"/seeds/envelopes/*; do
    [ -e "$f" ] || continue
    cp "$f" "$corpus/decode_response/"
done

# The malformed-WSDL corpus, plus seeds/wsdl/ (a small WSDL using every supported construct,
# and wsdl/mktows.wsdl cut down to three operations). The full 112 KB WSDL is left out: under
# ASan one run of it takes seconds, and the test suite runs it through codegen anyway.
for f in "$root"/codegen/tests/malformed/*.wsdl; do
    [ -e "$f" ] || continue
    cp "$f" "$corpus/codegen_wsdl/"
done
for f in "$here"/seeds/wsdl/*; do
    [ -e "$f" ] || continue
    cp "$f" "$corpus/codegen_wsdl/"
done
# Every input that once crashed a target (replayed by the normal test suite too).
for t in decode_response codegen_wsdl emulator_request; do
    for f in "$here"/regressions/$t/*; do
        [ -e "$f" ] || continue
        cp "$f" "$corpus/$t/regression-$(basename "$f")"
    done
done
for t in decode_response codegen_wsdl emulator_request; do
    echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
