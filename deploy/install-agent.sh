#!/usr/bin/env bash
# Installs charger-agent on a board: service user and groups, directories and permissions, configuration,
# the MQTT credential, the udev rules and the systemd unit. Run as root. Idempotent: running it again updates.
#
#   deploy/install-agent.sh --publish DIR --charger-id CP-0001 --broker mqtt.example.com:8883 --secret-file FILE \
#       [--ca FILE] [--cert FILE --key FILE] [--no-tls] [--engineer ID:NAME]... [--no-start] [--root DIR]
#
# --publish   the output of `dotnet publish agent/Charger.Agent -r linux-arm64 --self-contained` (see deploy/README.md)
# --secret-file  a file holding the charger's secret from `charger-cloud enrol` (copied to a root-only file and handed
#             to the service as a systemd credential; it never appears in the environment or in a world-readable file).
#             Not needed with --cert/--key (mutual TLS with a certificate from `charger-cloud ca charger`).
# --engineer  provision an on-site engineer; prints the generated PIN once (repeatable; not with --root)
# --root DIR  install into DIR instead of / (for building images and for tests): no users, no systemctl
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "install-agent: $*" >&2; exit 1; }

publish= charger= broker= secret_file= ca= cert= key= tls=true start=true root=
engineers=()
while [ $# -gt 0 ]; do
  case "$1" in
    --publish) publish=${2:?}; shift 2 ;;
    --charger-id) charger=${2:?}; shift 2 ;;
    --broker) broker=${2:?}; shift 2 ;;
    --secret-file) secret_file=${2:?}; shift 2 ;;
    --ca) ca=${2:?}; shift 2 ;;
    --cert) cert=${2:?}; shift 2 ;;
    --key) key=${2:?}; shift 2 ;;
    --no-tls) tls=false; shift ;;
    --no-start) start=false; shift ;;
    --engineer) engineers+=("${2:?}"); shift 2 ;;
    --root) root=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "install-agent: unknown option $1" >&2; usage ;;
  esac
done

[ -n "$publish" ] && [ -n "$charger" ] && [ -n "$broker" ] || usage
[ -n "$secret_file" ] || [ -n "$cert" ] || die "--secret-file (the secret from charger-cloud enrol) or --cert/--key (mutual TLS) is required"
[ -x "$publish/charger-agent" ] || die "$publish/charger-agent is not an executable: pass the output of dotnet publish"
[[ "$charger" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "'$charger' is not a valid charger id ([A-Za-z0-9._-]{1,64})"
[ -z "$secret_file" ] || [ -s "$secret_file" ] || die "$secret_file is missing or empty"
host=${broker%:*}; port=${broker##*:}
[ "$host" != "$broker" ] || port=$([ "$tls" = true ] && echo 8883 || echo 1883)
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "bad broker port in '$broker'"
if [ -n "$cert" ] || [ -n "$key" ]; then [ -s "$cert" ] && [ -s "$key" ] || die "--cert and --key go together"; fi
[ -z "$ca" ] || [ -s "$ca" ] || die "$ca is missing or empty"
[ -n "$root" ] || [ "$(id -u)" -eq 0 ] || die "run as root (or with --root DIR to stage an image)"
[ -z "$root" ] || [ ${#engineers[@]} -eq 0 ] || die "--engineer needs the installed binary: not with --root"

here=$(cd "$(dirname "$0")" && pwd)
svc_user=charger-agent

if [ -z "$root" ]; then
  for g in gpio i2c; do getent group "$g" > /dev/null || groupadd --system "$g"; done
  getent group "$svc_user" > /dev/null || groupadd --system "$svc_user"
  id "$svc_user" > /dev/null 2>&1 || useradd --system --gid "$svc_user" --no-create-home --home-dir /var/lib/charger-agent \
    --shell /usr/sbin/nologin --comment "EV charger maintenance agent" "$svc_user"
  owner="root:$svc_user"
else
  owner=""
fi

R=${root%/}
install -d -m 0755 "$R/opt/charger-agent" "$R/etc/systemd/system" "$R/etc/udev/rules.d"
install -d -m 0750 "$R/etc/charger-agent" "$R/var/lib/charger-agent"
# Binaries: replaced as a whole, owned by root, not writable by the service.
rm -rf "$R/opt/charger-agent.new"
cp -a "$publish" "$R/opt/charger-agent.new"
chmod -R go-w "$R/opt/charger-agent.new"
rm -rf "$R/opt/charger-agent.old"
mv "$R/opt/charger-agent" "$R/opt/charger-agent.old"
mv "$R/opt/charger-agent.new" "$R/opt/charger-agent"
rm -rf "$R/opt/charger-agent.old"

cfg="$R/etc/charger-agent"
if [ -n "$secret_file" ]; then
  install -m 0600 "$secret_file" "$cfg/mqtt-password"          # root only; systemd hands it over (LoadCredential)
else
  install -m 0600 /dev/null "$cfg/mqtt-password"                # empty: the client certificate is the credential
fi
tls_json=""
if [ "$tls" = true ]; then
  tls_json=', "UseTls": true'
  if [ -n "$ca" ]; then install -m 0640 "$ca" "$cfg/ca.pem"; tls_json="$tls_json, \"CaFile\": \"/etc/charger-agent/ca.pem\""; fi
  if [ -n "$cert" ]; then
    install -m 0640 "$cert" "$cfg/client.pem"
    install -m 0640 "$key" "$cfg/client.key"
    tls_json="$tls_json, \"ClientCertificateFile\": \"/etc/charger-agent/client.pem\", \"ClientKeyFile\": \"/etc/charger-agent/client.key\""
  fi
fi
cat > "$cfg/agent.json.new" <<JSON
{
  "Agent": { "ChargerId": "$charger" },
  "Mqtt": { "Host": "$host", "Port": $port$tls_json }
}
JSON
chmod 0640 "$cfg/agent.json.new"
mv "$cfg/agent.json.new" "$cfg/agent.json"
[ -e "$cfg/engineers.json" ] || echo '{"version":1,"engineers":[]}' > "$cfg/engineers.json"
for e in "${engineers[@]}"; do
  id=${e%%:*}; name=${e#*:}
  pin=$("$R/opt/charger-agent/charger-agent" engineer add "$id" --name "$name" --file "$cfg/engineers.json")
  echo "engineer $id: PIN $pin (shown once)"
done
chmod 0640 "$cfg/engineers.json"                               # the service reads it; only root writes it
if [ -n "$owner" ]; then
  chown "$owner" "$cfg" "$cfg/agent.json" "$cfg/engineers.json" "$R/var/lib/charger-agent"
  chown root:root "$cfg/mqtt-password"
  for f in ca.pem client.pem client.key; do [ ! -e "$cfg/$f" ] || chown "$owner" "$cfg/$f"; done
  chown "$svc_user:$svc_user" "$R/var/lib/charger-agent"
fi

install -m 0644 "$here/systemd/charger-agent.service" "$R/etc/systemd/system/charger-agent.service"
install -m 0644 "$here/udev/60-charger-agent.rules" "$R/etc/udev/rules.d/60-charger-agent.rules"

if [ -z "$root" ]; then
  udevadm control --reload-rules 2> /dev/null && udevadm trigger --subsystem-match=gpio --subsystem-match=i2c-dev 2> /dev/null || true
  systemctl daemon-reload
  if [ "$start" = true ]; then systemctl enable --now charger-agent.service; else systemctl enable charger-agent.service; fi
  echo "charger-agent installed for $charger; more engineers: run this script again with --engineer ID:NAME"
  echo "status: systemctl status charger-agent; console: agentctl --socket /run/charger-agent/agent.sock status"
else
  echo "charger-agent staged under $R for $charger"
fi
