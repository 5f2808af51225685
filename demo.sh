#!/usr/bin/env bash
# Builds everything, starts charger-cloud (embedded broker + receiver + HTTP API, SQLite under ./.demo/) and a
# simulated fleet of real agents playing scripted faults. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"

N=${DEMO_CHARGERS:-5}
HTTP=${DEMO_HTTP_PORT:-8080}
MQTT=${DEMO_MQTT_PORT:-1883}
DEMO=.demo
CFG=Release
CLOUD=cloud/Charger.Cloud/bin/$CFG/net10.0/charger-cloud
FLEET=tools/Charger.FleetSimulator/bin/$CFG/net10.0/fleet-sim
AGENT=agent/Charger.Agent/bin/$CFG/net10.0/charger-agent

echo "==> building (dotnet build -c $CFG)"
dotnet build Agent.sln -c "$CFG" -nologo -v quiet -clp:ErrorsOnly

rm -rf "$DEMO"
mkdir -p "$DEMO/cloud" "$DEMO/fleet"
umask 077

echo "==> enrolling $N chargers (secrets in $DEMO/secrets, mode 0600)"
: > "$DEMO/secrets"
for i in $(seq 1 "$N"); do
  id=$(printf 'CP-DEMO-%03d' "$i")
  secret=$("$CLOUD" enrol "$id" --data-dir "$DEMO/cloud")
  echo "$id $secret" >> "$DEMO/secrets"
done

echo "==> provisioning the demo engineer 'demo' for the on-site console (PIN stored hashed in $DEMO/engineers.json)"
DEMO_PIN=$("$AGENT" engineer add demo --name "Demo Engineer" --file "$DEMO/engineers.json" 2>/dev/null)

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "==> stopping"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  echo "==> stopped; data kept in $DEMO/"
}
trap cleanup INT TERM EXIT

echo "==> starting charger-cloud (http://127.0.0.1:$HTTP, mqtt 127.0.0.1:$MQTT)"
"$CLOUD" --Cloud:DataDirectory="$DEMO/cloud" --Cloud:Http:Url="http://127.0.0.1:$HTTP" --Broker:Port="$MQTT" \
  > "$DEMO/cloud.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$HTTP/healthz" > /dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "charger-cloud failed to start:"; cat "$DEMO/cloud.log"; exit 1; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$HTTP/healthz" > /dev/null || { echo "charger-cloud is not healthy:"; cat "$DEMO/cloud.log"; exit 1; }

# The API needs sign-in. The first start created the administrator with a generated password in a 0600 file (no
# default password); sign in with it once and keep an API token for the curl lines below (files 0600: umask 077).
CRED="$DEMO/cloud/admin-credential"
echo "==> first start: administrator 'admin' created; its password is in $CRED (mode 0600)"
sed -n 's/^password=//p' "$CRED" | { IFS= read -r pw; printf '{"userId":"admin","password":"%s"}' "$pw"; } \
  | curl -fsS -c "$DEMO/cookies" -H 'Content-Type: application/json' -d @- "http://127.0.0.1:$HTTP/api/v1/auth/login" > /dev/null
curl -fsS -b "$DEMO/cookies" -H 'Content-Type: application/json' -d '{"name":"demo.sh"}' "http://127.0.0.1:$HTTP/api/v1/auth/tokens" \
  | sed -n 's/.*"token":"\([^"]*\)".*/Authorization: Bearer \1/p' > "$DEMO/api-auth"
rm -f "$DEMO/cookies"

echo "==> starting the fleet (scenarios: tools/Charger.FleetSimulator/scenarios/)"
"$FLEET" --secrets "$DEMO/secrets" --broker "127.0.0.1:$MQTT" --data-dir "$DEMO/fleet" \
  --scenarios tools/Charger.FleetSimulator/scenarios --engineers "$DEMO/engineers.json" > "$DEMO/fleet.log" 2>&1 &
pids+=($!)

cat <<INFO

  Fleet of $N simulated chargers running. Scripted faults (watch them appear within ~1-2 minutes):
    CP-DEMO-001  emergency stop pressed at 20 s (latches)
    CP-DEMO-002  ground fault: RCD trips at 17 s (latches)
    CP-DEMO-003  energy meter goes silent at 20 s (PowerMeterFailure after 30 s, clears at 2:00)
    CP-DEMO-004  healthy
    CP-DEMO-005  over-temperature at ~25 s, clears at ~1:15

  Sign in: user 'admin', password in $CRED (0600, generated on the first start, never logged).
  The curl lines send an admin API token kept in $DEMO/api-auth (0600); POST /api/v1/auth/tokens makes more.
  Where to look:
    http://127.0.0.1:$HTTP/                               # the operators' web UI (sign in; see cloud/Charger.Cloud/README.md, "Web UI")
    curl -s -H @$DEMO/api-auth 127.0.0.1:$HTTP/api/v1/faults?status=active
    curl -s -H @$DEMO/api-auth 127.0.0.1:$HTTP/api/v1/chargers
    curl -s -H @$DEMO/api-auth 127.0.0.1:$HTTP/api/v1/chargers/CP-DEMO-005/events
    curl -s -H @$DEMO/api-auth 127.0.0.1:$HTTP/api/v1/service-records        # the maintenance log (engineers' records)
    curl -s -H @$DEMO/api-auth 127.0.0.1:$HTTP/api/v1/dead-letters
    curl -s -H @$DEMO/api-auth 127.0.0.1:$HTTP/api/v1/audit             # the audit log: who changed what
    curl -s 127.0.0.1:$HTTP/healthz
    curl -s 127.0.0.1:$HTTP/metrics | grep ^charger_       # Prometheus metrics
    curl -s 127.0.0.1:$HTTP/openapi/v1.json                # the API's OpenAPI document
  Logs: $DEMO/cloud.log, $DEMO/fleet.log     Agent journals: $DEMO/fleet/<id>/journal.db
  Broker: every connection, refusal and ack is logged in $DEMO/cloud.log (grep -i broker). A charger may read only
          its own topics, so the API above is the fleet-wide view.

  On-site console (a second terminal; each charger serves $DEMO/fleet/<id>/agent.sock):
    ./agentctl --charger CP-DEMO-001 status
    ./agentctl --charger CP-DEMO-001 sensors --watch
    ./agentctl --charger CP-DEMO-001 login demo          # PIN: $DEMO_PIN
    ./agentctl --charger CP-DEMO-001 maintenance enter --reason "WO-1"
    ./agentctl --charger CP-DEMO-001 fault reset EmergencyStop --reason "e-stop released, checked"
    ./agentctl --charger CP-DEMO-001 selftest
    ./agentctl --charger CP-DEMO-001 maintenance exit
    ./agentctl --charger CP-DEMO-004 sim input rcd on     # inject a fault; see README.md, "On-site console"

  Ctrl-C stops everything.
INFO

wait -n "${pids[@]}" || true
