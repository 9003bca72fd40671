#!/usr/bin/env bash
# The integrator API with curl and jq: the HDAB pushes a signed permit and reads its environment's status;
# a data holder checks an extract, opens a delivery and streams the extract. The orchestrator's tests run
# this script against a running orchestrator, so it works as written.
#
# Settings (environment):
#   SPE_URL          the orchestrator, e.g. http://localhost:8080
#   PERMIT_FILE      a signed permit (compact JWS), e.g. from `spe permit sign`
#   EXTRACT_FILE     an extract of DATASET for the permit, e.g. from `spe synth register`
#   DATASET          ID@VERSION, default patientregistret@2026-09
#   HDAB_CLIENT_ID / HDAB_CLIENT_SECRET      the HDAB's client credentials (scope permits)
#   HOLDER_CLIENT_ID / HOLDER_CLIENT_SECRET  the data holder's client credentials (scope deliveries)
set -euo pipefail
: "${SPE_URL:?set SPE_URL}" "${PERMIT_FILE:?set PERMIT_FILE}" "${EXTRACT_FILE:?set EXTRACT_FILE}"
: "${HDAB_CLIENT_ID:?}" "${HDAB_CLIENT_SECRET:?}" "${HOLDER_CLIENT_ID:?}" "${HOLDER_CLIENT_SECRET:?}"
DATASET="${DATASET:-patientregistret@2026-09}"
API="$SPE_URL/api/v1"
answers=$(mktemp -d)
trap 'rm -rf "$answers"' EXIT

# A fresh Idempotency-Key per new request; reuse it only to retry that same request.
new_key() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# The token URL is in the API's own document, from the identity provider's discovery.
TOKEN_URL=$(curl -sf "$API/openapi.json" | jq -r '.components.securitySchemes.clientCredentials.flows.clientCredentials.tokenUrl')

# An access token by the client-credentials grant, for this API (the resource) and one scope.
token() {
  curl -sf -u "$1:$2" "$TOKEN_URL" -d grant_type=client_credentials -d "scope=$3" -d "resource=$API" | jq -r .access_token
}

# 1. The HDAB pushes the signed permit: 201 new, 200 known (the signature is the credential).
status=$(curl -s -o "$answers/permit.json" -w '%{http_code}' -X POST "$API/permits" \
  -H 'content-type: application/jose' -H "idempotency-key: $(new_key)" --data-binary "@$PERMIT_FILE")
if [ "$status" != 201 ] && [ "$status" != 200 ]; then echo "Permit refused ($status): $(cat "$answers/permit.json")" >&2; exit 1; fi
permit_id=$(jq -r .permitId "$answers/permit.json")
echo "permit $permit_id: $(jq -r .outcome "$answers/permit.json")"

# 2. The HDAB reads the permit's environment status.
hdab_token=$(token "$HDAB_CLIENT_ID" "$HDAB_CLIENT_SECRET" permits)
curl -sf "$API/permits/$permit_id" -H "authorization: Bearer $hdab_token" \
  | jq -r '"environment: \(.environment.state) (permit \(.validity.state)): \(.environment.summary)"'

# 3. The data holder checks the extract: nothing is stored.
holder_token=$(token "$HOLDER_CLIENT_ID" "$HOLDER_CLIENT_SECRET" deliveries)
curl -sf -X POST "$API/deliveries/validate?dataset=$DATASET" -H "authorization: Bearer $holder_token" \
  -H 'content-type: text/csv' --data-binary "@$EXTRACT_FILE" \
  | jq -r '"check: valid=\(.valid), \(.rows) rows, \(.issues | length) issue(s)"'

# 4. Open a delivery (keep the key to retry this call), then stream the extract.
delivery_id=$(curl -sf -X POST "$API/deliveries" -H "authorization: Bearer $holder_token" \
  -H 'content-type: application/json' -H "idempotency-key: $(new_key)" \
  -d "{\"permitId\":\"$permit_id\",\"dataset\":{\"id\":\"${DATASET%@*}\",\"version\":\"${DATASET#*@}\"}}" | jq -r .id)
status=$(curl -s -o "$answers/delivery.json" -w '%{http_code}' -X PUT "$API/deliveries/$delivery_id/file" \
  -H "authorization: Bearer $holder_token" -H 'content-type: text/csv' -T "$EXTRACT_FILE")
if [ "$status" != 200 ]; then echo "Delivery refused ($status): $(cat "$answers/delivery.json")" >&2; exit 1; fi
jq -r '"delivery \(.id): \(.state), \(.rows) rows, upload sha256 \(.uploadSha256)"' "$answers/delivery.json"
