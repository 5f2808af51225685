#!/usr/bin/env bash
# Removes charger-cloud: stops and disables the unit, removes the binaries and the unit.
# The data (/var/lib/charger-cloud: SQLite database, admin credential) and the configuration (/etc/charger-cloud, with
# the personal-data key) stay unless --purge is given. A PostgreSQL database is never touched.
#   deploy/uninstall-cloud.sh [--purge] [--root DIR]
set -euo pipefail
purge=false root=
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=true; shift ;;
    --root) root=${2:?}; shift 2 ;;
    *) echo "usage: $0 [--purge] [--root DIR]" >&2; exit 2 ;;
  esac
done
[ -n "$root" ] || [ "$(id -u)" -eq 0 ] || { echo "uninstall-cloud: run as root" >&2; exit 1; }
R=${root%/}
if [ -z "$root" ] && command -v systemctl > /dev/null; then
  systemctl disable --now charger-cloud.service 2> /dev/null || true
fi
rm -f "$R/etc/systemd/system/charger-cloud.service"
rm -rf "$R/opt/charger-cloud"
if [ "$purge" = true ]; then
  rm -rf "$R/etc/charger-cloud" "$R/var/lib/charger-cloud"
  [ -n "$root" ] || ! id charger-cloud > /dev/null 2>&1 || userdel charger-cloud
fi
[ -n "$root" ] || systemctl daemon-reload 2> /dev/null || true
echo "charger-cloud removed$([ "$purge" = true ] && echo ", with its data and configuration" || echo "; data and configuration kept")"
