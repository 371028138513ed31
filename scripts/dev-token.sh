#!/usr/bin/env bash
# Prints an access token of a development user (code + PKCE through the sign-in page, as a browser would) or of
# the development partner bank (client credentials), from the platform started by ./run.sh. Development only: the
# passwords and secrets are the ones the identity service generated at its first start, in .scop/identity/.
#   scripts/dev-token.sh delegate-aura            # a user: member, manager, elected, delegate-aura, delegate-ouest, federation, admin
#   scripts/dev-token.sh admin "openid identity"   # with other scopes (default: openid membership portal)
#   scripts/dev-token.sh credit-cooperatif        # the partner bank's machine token (scope partner-hooks membership)
set -euo pipefail

user="${1:?usage: scripts/dev-token.sh USER [SCOPES]}"
gateway="${SCOP_GATEWAY:-http://localhost:8080}"
credentials="${SCOP_DATA_ROOT:-$(dirname "${BASH_SOURCE[0]}")/../.scop}/identity/dev-credentials.json"
[ -r "$credentials" ] || { echo "No $credentials: start the platform with ./run.sh first." >&2; exit 1; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])' "$credentials" "$1" "$2"; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("access_token") or sys.exit("no token: %s" % d))'; }

if [ "$user" = credit-cooperatif ]; then
  curl -fsS "$gateway/connect/token" -d grant_type=client_credentials -d client_id=credit-cooperatif \
    --data-urlencode "client_secret=$(field ClientSecrets credit-cooperatif)" -d "scope=${2:-partner-hooks membership}" | json
  exit
fi

scope="${2:-openid membership portal}"
redirect="http://127.0.0.1/callback"
verifier="$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
challenge="$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')"
jar="$(mktemp)"; trap 'rm -f "$jar"' EXIT
enc() { python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

authorize="/connect/authorize?client_id=scop-web&response_type=code&redirect_uri=$(enc "$redirect")&scope=$(enc "$scope")&code_challenge=$challenge&code_challenge_method=S256&state=dev"
login="$(curl -fsS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$gateway$authorize")"
page="$(curl -fsS -c "$jar" -b "$jar" "$login")"
token="$(printf '%s' "$page" | sed -n 's/.*name="__RequestVerificationToken" value="\([^"]*\)".*/\1/p')"
return_url="$(printf '%s' "$page" | sed -n 's/.*name="returnUrl" value="\([^"]*\)".*/\1/p' | sed 's/&amp;/\&/g')"
back="$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$gateway/account/login" \
  --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "returnUrl=$return_url" \
  --data-urlencode "username=$user" --data-urlencode "password=$(field Passwords "$user")")"
[ -n "$back" ] || { echo "Sign-in refused for $user." >&2; exit 1; }
callback="$(curl -fsS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$back")"
code="$(python3 -c 'import urllib.parse,sys; print(urllib.parse.parse_qs(urllib.parse.urlparse(sys.argv[1]).query)["code"][0])' "$callback")"
curl -fsS "$gateway/connect/token" -d grant_type=authorization_code -d client_id=scop-web --data-urlencode "code=$code" \
  --data-urlencode "redirect_uri=$redirect" -d "code_verifier=$verifier" | json
