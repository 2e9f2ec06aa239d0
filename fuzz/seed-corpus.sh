#!/bin/sh
# Fills fuzz/corpus/<target>/ with seeds from the repository's fixtures (run from anywhere).
# The corpora grow while fuzzing and are not committed; fuzz/seeds/ holds the few extra
# hand-written seeds that are.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus="$here/corpus"
mkdir -p "$corpus/decode_response" "$corpus/codegen_wsdl" "$corpus/emulator_request"

# Responses and requests of all 23 operations, plus the hand-written envelopes in seeds/.
for f in "$root"/tests/fixtures/responses/*.xml; do
    cp "$f" "$corpus/decode_response/response-$(basename "$f")"
done
for f in "$root"/tests/fixtures/requests/*.xml; do
    cp "$f" "$corpus/decode_response/request-$(basename "$f")"
    cp "$f" "$corpus/emulator_request/$(basename "$f")"
done
for f in "$here"/seeds/envelopes/*; do
    [ -e "$f" ] || continue
    cp "$f" "$corpus/decode_response/"
    cp "$f" "$corpus/emulator_request/"
done

# The real WSDL, the malformed-WSDL corpus and the codegen's other test WSDLs.
cp "$root/wsdl/mktows.wsdl" "$corpus/codegen_wsdl/"
for f in "$root"/codegen/tests/malformed/*.wsdl "$root"/wsdl/*.wsdl; do
    [ -e "$f" ] || continue
    cp "$f" "$corpus/codegen_wsdl/"
done
for f in "$here"/seeds/wsdl/*; do
    [ -e "$f" ] || continue
    cp "$f" "$corpus/codegen_wsdl/"
done
for t in decode_response codegen_wsdl emulator_request; do
    echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
