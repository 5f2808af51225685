#!/usr/bin/env bash
# Removes charger-agent: stops and disables the unit, removes the binaries, the unit and the udev rules.
# The journal (/var/lib/charger-agent) and the configuration (/etc/charger-agent) stay unless --purge is given:
# a journal may hold events the cloud has not acknowledged yet.
#   deploy/uninstall-agent.sh [--purge] [--root DIR]
set -euo pipefail
purge=false root=
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=true; shift ;;
    --root) root=${2:?}; shift 2 ;;
    *) echo "usage: $0 [--purge] [--root DIR]" >&2; exit 2 ;;
  esac
done
[ -n "$root" ] || [ "$(id -u)" -eq 0 ] || { echo "uninstall-agent: run as root" >&2; exit 1; }
R=${root%/}
if [ -z "$root" ] && command -v systemctl > /dev/null; then
  systemctl disable --now charger-agent.service 2> /dev/null || true
fi
rm -f "$R/etc/systemd/system/charger-agent.service" "$R/etc/udev/rules.d/60-charger-agent.rules"
rm -rf "$R/opt/charger-agent"
if [ "$purge" = true ]; then
  rm -rf "$R/etc/charger-agent" "$R/var/lib/charger-agent"
  [ -n "$root" ] || ! id charger-agent > /dev/null 2>&1 || userdel charger-agent
fi
[ -n "$root" ] || systemctl daemon-reload 2> /dev/null || true
echo "charger-agent removed$([ "$purge" = true ] && echo ", with its journal and configuration" || echo "; journal and configuration kept")"
