# Shared by run.sh and test.sh (sourced, not run): checks the .NET SDK and installs the servers the platform runs
# itself when no container engine answers.

say() { printf '==> %s\n' "$*" >&2; }

require_dotnet() {
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
}

container_runtime_answers() {
  command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1
}

# The servers the AppHost and the tests run themselves, and the Debian packages that bring them.
missing_server_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v exim4 >/dev/null 2>&1 || [ -x /usr/sbin/exim4 ] || missing+=(exim4-daemon-light) # the development mail server
  echo "${missing[@]}"
}

# PostGIS for the installed PostgreSQL (the Ambassades' geography): Debian's postgresql-N-postgis-3 for its major
# version N. Prints the package when it is missing, nothing otherwise (nor when PostgreSQL itself is missing).
missing_postgis_package() {
  local bin version
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$bin" ] || return 0
  version="$(basename "$(dirname "$bin")")"
  [ -f "/usr/share/postgresql/$version/extension/postgis.control" ] || echo "postgresql-$version-postgis-3"
}

# The packages start system-wide services of their own; the platform runs its own instances on its own ports
# and data directories, so those services are not needed. Stop and disable them where they were started.
quiet_system_services() {
  local run=("$@")
  for service in postgresql rabbitmq-server redis-server exim4; do
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      "${run[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      "${run[@]}" service "$service" stop >/dev/null 2>&1 || true
    fi
  done
}

# Installs PostgreSQL with PostGIS, RabbitMQ, Redis and Exim with apt-get (as root, or with sudo when it needs no
# password); otherwise says which command to run. PostGIS is named after the server's version, so it comes second.
ensure_local_servers() {
  install_missing "$(missing_server_packages)"
  install_missing "$(missing_postgis_package)"
}

install_missing() {
  local missing as_root
  read -r -a missing <<<"$1"
  [ "${#missing[@]}" -eq 0 ] && return 0

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
}

# Runs apt-get as root, or through sudo when it needs no password; otherwise says which command to run.
apt_install() {
  local as_root
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo)
  else
    echo "Missing packages: $*. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $*" >&2
    exit 1
  fi
  say "Installing $*"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# Debian's Chromium: the web front-end's tests and benchmarks drive it with Playwright (no browser can be downloaded).
ensure_browser() {
  [ -x /usr/bin/chromium ] && return 0
  apt_install chromium fonts-dejavu-core
}

# Node.js and Redocly's CLI, which lints the services' OpenAPI documents (tests/Web.Tests/OpenApiLint).
ensure_openapi_linter() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local lint="tests/Web.Tests/OpenApiLint"
  if [ ! -x "$lint/node_modules/.bin/redocly" ]; then
    say "Installing the OpenAPI linter (@redocly/cli)"
    npm ci --prefix "$lint" --no-audit --no-fund --loglevel=error >/dev/null
  fi
}
