#!/usr/bin/env bash
# Runs the whole platform on this machine: PostgreSQL, RabbitMQ and Redis (containers when a container
# engine answers, else the machine's own servers), the services, the gateway and the Aspire dashboard.
# Installs what is missing first. Arguments are passed to the AppHost, e.g.
#   ./run.sh --Scop:Infrastructure=local --Scop:GatewayPort=8081
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/prerequisites.sh

require_dotnet
ensure_browser # for the web front-end's benchmarks (bench/)

infrastructure="${SCOP_INFRASTRUCTURE:-auto}"
for arg in "$@"; do
  case "$arg" in
    --Scop:Infrastructure=*) infrastructure="${arg#*=}" ;;
  esac
done

if [ "$infrastructure" = containers ] || { [ "$infrastructure" = auto ] && container_runtime_answers; }; then
  say "A container engine answers: PostgreSQL, RabbitMQ and Redis will run as containers."
else
  ensure_local_servers
fi

exec dotnet run --project AppHost --launch-profile http "$@"
