#!/usr/bin/env bash
# Installs charger-cloud on a server: service user, directories and permissions, /etc/charger-cloud/cloud.env, TLS
# files, the systemd unit. Run as root. Idempotent: running it again updates binaries and settings and keeps the data,
# the generated personal-data key and any line of cloud.env it does not manage.
#
#   deploy/install-cloud.sh --publish DIR [--http-url URL] [--postgres-file FILE]
#       [--broker HOST:PORT --ca FILE --receiver-pfx FILE [--shared-group NAME] [--client-id ID]]
#       [--embedded-tls-pfx FILE [--embedded-bind ADDR]] [--no-start] [--root DIR]
#
# --publish        the output of `dotnet publish cloud/Charger.Cloud -c Release -r linux-x64 --self-contained`
# --http-url       where the API and UI listen (default http://127.0.0.1:8080; put a TLS reverse proxy in front)
# --postgres-file  a file holding the Npgsql connection string (with its password): Cloud:Store=postgres; without it
#                  the store is SQLite in /var/lib/charger-cloud
# --broker         an external MQTT broker (mosquitto with deploy/mosquitto): the embedded broker is turned off and
#                  the receiver connects with mutual TLS, --ca the fleet CA, --receiver-pfx from `charger-cloud ca receiver`
# --shared-group   several receivers split the fleet on one shared subscription (give each a --client-id)
# --embedded-tls-pfx  the embedded broker's server certificate: chargers then connect with TLS on --embedded-bind:8883
# --root DIR       install into DIR instead of / (for images and tests): no users, no systemctl
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "install-cloud: $*" >&2; exit 1; }

publish= http_url=http://127.0.0.1:8080 pg_file= broker= ca= pfx= group= client_id= tls_pfx= tls_bind=0.0.0.0 start=true root=
while [ $# -gt 0 ]; do
  case "$1" in
    --publish) publish=${2:?}; shift 2 ;;
    --http-url) http_url=${2:?}; shift 2 ;;
    --postgres-file) pg_file=${2:?}; shift 2 ;;
    --broker) broker=${2:?}; shift 2 ;;
    --ca) ca=${2:?}; shift 2 ;;
    --receiver-pfx) pfx=${2:?}; shift 2 ;;
    --shared-group) group=${2:?}; shift 2 ;;
    --client-id) client_id=${2:?}; shift 2 ;;
    --embedded-tls-pfx) tls_pfx=${2:?}; shift 2 ;;
    --embedded-bind) tls_bind=${2:?}; shift 2 ;;
    --no-start) start=false; shift ;;
    --root) root=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "install-cloud: unknown option $1" >&2; usage ;;
  esac
done

[ -n "$publish" ] || usage
[ -x "$publish/charger-cloud" ] || die "$publish/charger-cloud is not an executable: pass the output of dotnet publish"
[[ "$http_url" =~ ^https?://[^[:space:]\;]+$ ]] || die "--http-url '$http_url' is not one http:// or https:// URL"
if [ -n "$pg_file" ]; then
  [ -s "$pg_file" ] || die "$pg_file is missing or empty"
  grep -qi 'host=' "$pg_file" || die "$pg_file does not look like an Npgsql connection string (no Host=)"
  [ "$(wc -l < "$pg_file")" -le 1 ] || die "$pg_file must hold one line: the connection string"
fi
if [ -n "$broker" ]; then
  host=${broker%:*}; port=${broker##*:}
  [ "$host" != "$broker" ] || port=8883
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "bad broker port in '$broker'"
  [ -s "$ca" ] || die "--broker needs --ca (the fleet CA that signed the broker's certificate)"
  [ -s "$pfx" ] || die "--broker needs --receiver-pfx (from charger-cloud ca receiver)"
  [ -z "$group" ] || [[ "$group" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "--shared-group '$group' must match [A-Za-z0-9._-]{1,64}"
  [ -z "$group" ] || [ -n "$client_id" ] || die "--shared-group needs a --client-id unique to this receiver"
else
  [ -z "$ca$pfx$group$client_id" ] || die "--ca, --receiver-pfx, --shared-group and --client-id go with --broker"
fi
[ -z "$tls_pfx" ] || [ -s "$tls_pfx" ] || die "$tls_pfx is missing or empty"
[ -z "$tls_pfx" ] || [ -z "$broker" ] || die "--embedded-tls-pfx is for the embedded broker, not with --broker"
[ -n "$root" ] || [ "$(id -u)" -eq 0 ] || die "run as root (or with --root DIR to stage an image)"

here=$(cd "$(dirname "$0")" && pwd)
svc_user=charger-cloud
if [ -z "$root" ]; then
  getent group "$svc_user" > /dev/null || groupadd --system "$svc_user"
  id "$svc_user" > /dev/null 2>&1 || useradd --system --gid "$svc_user" --no-create-home --home-dir /var/lib/charger-cloud \
    --shell /usr/sbin/nologin --comment "EV charger fleet cloud" "$svc_user"
fi

R=${root%/}
install -d -m 0755 "$R/opt/charger-cloud" "$R/etc/systemd/system"
install -d -m 0750 "$R/etc/charger-cloud" "$R/var/lib/charger-cloud"
rm -rf "$R/opt/charger-cloud.new" "$R/opt/charger-cloud.old"
cp -a "$publish" "$R/opt/charger-cloud.new"
chmod -R go-w "$R/opt/charger-cloud.new"
mv "$R/opt/charger-cloud" "$R/opt/charger-cloud.old"
mv "$R/opt/charger-cloud.new" "$R/opt/charger-cloud"
rm -rf "$R/opt/charger-cloud.old"

cfg="$R/etc/charger-cloud"
env_file="$cfg/cloud.env"
# Lines this script manages are rewritten; every other line of an existing cloud.env is kept as it is.
managed='^(Cloud__Http__Url|Cloud__Store|Cloud__Postgres__ConnectionString|Broker__Enabled|Broker__TlsEnabled|Broker__TlsBindAddress|Broker__TlsCertificatePath|Ingress__Host|Ingress__Port|Ingress__UseTls|Ingress__TlsCaFile|Ingress__TlsClientCertificatePath|Ingress__SharedSubscriptionGroup|Ingress__ClientId)='
{
  echo "# charger-cloud settings (environment form of the keys in cloud/Charger.Cloud/README.md); written by install-cloud.sh"
  [ ! -e "$env_file" ] || grep -Ev "$managed|^# charger-cloud settings" "$env_file" || true
  # The key that encrypts customers' personal data: generated once, kept on every reinstall. Back it up with the
  # database: without it the personal data cannot be read.
  if [ ! -e "$env_file" ] || ! grep -q '^Access__PersonalDataKey=' "$env_file"; then
    echo "Access__PersonalDataKey=$(head -c 32 /dev/urandom | base64 -w0)"
  fi
  echo "Cloud__Http__Url=$http_url"
  if [ -n "$pg_file" ]; then
    echo "Cloud__Store=postgres"
    echo "Cloud__Postgres__ConnectionString=$(tr -d '\r\n' < "$pg_file")"
  else
    echo "Cloud__Store=sqlite"
  fi
  if [ -n "$broker" ]; then
    install -m 0640 "$ca" "$cfg/ca.pem"
    install -m 0640 "$pfx" "$cfg/receiver.pfx"
    echo "Broker__Enabled=false"
    echo "Ingress__Host=$host"
    echo "Ingress__Port=$port"
    echo "Ingress__UseTls=true"
    echo "Ingress__TlsCaFile=/etc/charger-cloud/ca.pem"
    echo "Ingress__TlsClientCertificatePath=/etc/charger-cloud/receiver.pfx"
    [ -z "$group" ] || echo "Ingress__SharedSubscriptionGroup=$group"
    [ -z "$client_id" ] || echo "Ingress__ClientId=$client_id"
  elif [ -n "$tls_pfx" ]; then
    install -m 0640 "$tls_pfx" "$cfg/broker.pfx"
    echo "Broker__TlsEnabled=true"
    echo "Broker__TlsBindAddress=$tls_bind"
    echo "Broker__TlsCertificatePath=/etc/charger-cloud/broker.pfx"
  fi
} > "$env_file.new"
chmod 0640 "$env_file.new"
mv "$env_file.new" "$env_file"
if [ -z "$root" ]; then
  chown "root:$svc_user" "$cfg" "$env_file"
  for f in ca.pem receiver.pfx broker.pfx; do [ ! -e "$cfg/$f" ] || chown "root:$svc_user" "$cfg/$f"; done
  chown "$svc_user:$svc_user" "$R/var/lib/charger-cloud"
fi
install -m 0644 "$here/systemd/charger-cloud.service" "$R/etc/systemd/system/charger-cloud.service"

if [ -z "$root" ]; then
  systemctl daemon-reload
  if [ "$start" = true ]; then systemctl enable --now charger-cloud.service; else systemctl enable charger-cloud.service; fi
  echo "charger-cloud installed; API at $http_url"
  echo "first start writes the admin credential to /var/lib/charger-cloud/admin-credential (root and charger-cloud only)"
  echo "status: systemctl status charger-cloud; logs: journalctl -u charger-cloud"
else
  echo "charger-cloud staged under $R"
fi
