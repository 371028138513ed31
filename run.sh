#!/usr/bin/env bash
# Runs the whole platform on this machine: PostgreSQL, RabbitMQ and Redis (containers when a container
# engine answers, else the machine's own servers), the services, the gateway and the Aspire dashboard.
# Installs what is missing first. Arguments are passed to the AppHost, e.g.
#   ./run.sh --Scop:Infrastructure=local --Scop:GatewayPort=8081
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf '==> %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
  cat >&2 <<'MSG'
The .NET 10 SDK is required and 'dotnet' is not on the PATH. Install it, e.g. on Debian/Ubuntu:
  https://learn.microsoft.com/dotnet/core/install/linux  (package dotnet-sdk-10.0)
or with the install script:
  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0
MSG
  exit 1
fi

if ! dotnet --list-sdks | grep -q '^10\.'; then
  echo "The .NET 10 SDK is required; found: $(dotnet --list-sdks | tr '\n' ' ')" >&2
  exit 1
fi

container_runtime_answers() {
  command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1
}

# The servers the AppHost runs itself when no container engine answers, and the Debian packages that bring them.
missing_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  echo "${missing[@]}"
}

# The packages start system-wide services of their own; the AppHost runs its own instances on its own ports
# and data directories, so those services are not needed. Stop and disable them where they were started.
quiet_system_services() {
  local run=("$@")
  for service in postgresql rabbitmq-server redis-server; do
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      "${run[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      "${run[@]}" service "$service" stop >/dev/null 2>&1 || true
    fi
  done
}

infrastructure="${SCOP_INFRASTRUCTURE:-auto}"
for arg in "$@"; do
  case "$arg" in
    --Scop:Infrastructure=*) infrastructure="${arg#*=}" ;;
  esac
done

if [ "$infrastructure" = containers ] || { [ "$infrastructure" = auto ] && container_runtime_answers; }; then
  say "A container engine answers: PostgreSQL, RabbitMQ and Redis will run as containers."
else
  read -r -a missing <<<"$(missing_packages)"
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      as_root=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo)
    else
      echo "Missing servers: ${missing[*]}. Install them with:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
    say "Installing ${missing[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    quiet_system_services "${as_root[@]}"
  fi
fi

exec dotnet run --project AppHost --launch-profile http "$@"
