#!/usr/bin/env bash
# Builds the solution and runs every test project on real PostgreSQL, RabbitMQ and Redis servers (containers where a
# Docker engine answers, else the machine's own servers started by the tests), one project after the other, then
# prints the totals. Exits non-zero if any test failed or any test project could not run.
# Arguments go to every 'dotnet test', e.g.  ./test.sh --filter "FullyQualifiedName~Membership"
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/prerequisites.sh

require_dotnet
ensure_local_servers # the end-to-end tests always run the platform in local mode
ensure_browser       # the web front-end's tests drive Debian's Chromium
ensure_openapi_linter

say "Building"
dotnet build Scop.Aspire.sln -nologo -v quiet -clp:ErrorsOnly

results="$(pwd)/TestResults"
rm -rf "$results"
mkdir -p "$results"

projects_failed=()
for project in tests/*/*.csproj; do
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
  name="$(basename "$project" .csproj)"
  say "Testing $name"
  if ! dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" \
      --results-directory "$results" "$@"; then
    projects_failed+=("$name")
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "No results from $name: its test run did not complete." >&2
    projects_failed+=("$name")
  fi
done

counter() { # sums one attribute of the <Counters> element over every result file
  grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' |
    awk '{ s += $1 } END { print s + 0 }'
}

passed="$(counter passed)"
failed="$(counter failed)"
skipped="$(counter notExecuted)"

if [ "${#projects_failed[@]}" -gt 0 ]; then
  echo "Test projects with failures or no results: ${projects_failed[*]}" >&2
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "${#projects_failed[@]}" -eq 0 ] && [ "$failed" -eq 0 ]
