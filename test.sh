#!/usr/bin/env bash
# Builds the solution and runs every test project on real PostgreSQL, RabbitMQ and Redis servers (containers where a
# Docker engine answers, else the machine's own servers started by the tests), then prints the totals. Exits non-zero
# if any test failed or any test project could not run.
# Two lanes run side by side: the projects that start the whole system through the AppHost (its services listen on
# the ports of their launch settings, so two such systems cannot run at once) one after the other, and every other
# project (each starts its own servers on free ports) one after the other. A project spends much of its time waiting
# on servers and timers, so the second lane uses what the first leaves of the machine. Each project's output is
# printed whole when it ends.
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

# Projects whose tests start the whole system (AppHost, DistributedApplication): they take turns.
starts_the_system() { grep -rlq --include='*.cs' 'HostedPlatform.StartAsync' "$(dirname "$1")"; }

test_project() { # runs one project; prints its output whole when it ends; records it when it fails or leaves no result
  local project="$1" name
  shift
  name="$(basename "$project" .csproj)"
  say "Started $name"
  local started=$SECONDS status=0
  dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" "$@" >"$results/$name.log" 2>&1 || status=$?
  {
    flock 9
    say "Testing $name ($((SECONDS - started)) s)"
    cat "$results/$name.log"
    if [ "$status" -ne 0 ] || [ ! -f "$results/$name.trx" ]; then
      [ -f "$results/$name.trx" ] || echo "No results from $name: its test run did not complete." >&2
      echo "$name" >>"$results/failed-projects"
    fi
  } 9>"$results/.print-lock"
}

system_lane=() other_lane=()
for project in tests/*/*.csproj; do
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
  if starts_the_system "$project"; then system_lane+=("$project"); else other_lane+=("$project"); fi
done

say "Testing: ${#system_lane[@]} projects that start the whole system beside ${#other_lane[@]} others"
( for project in "${system_lane[@]}"; do test_project "$project" "$@"; done ) &
system_lane_pid=$!
( for project in "${other_lane[@]}"; do test_project "$project" "$@"; done ) &
other_lane_pid=$!
wait "$system_lane_pid" "$other_lane_pid" || true

projects_failed=()
if [ -f "$results/failed-projects" ]; then
  mapfile -t projects_failed <"$results/failed-projects"
fi

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
