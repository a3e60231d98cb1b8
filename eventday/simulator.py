"""Replays a realistic day of gate counts against the counting API over HTTP (for demos and the e2e test).

The day, in simulated minutes from doors opening (an hour before the start): arrivals build up to a peak just
before the headliner (70 % into the event), a few leave early, then an exit surge empties the ground within
45 minutes of the end. Each zone's occupancy follows that curve up to `peak` of its safe capacity (core zones;
the others to 85 % of that); the gates carry the flows, inner gates passing people on from their outer zone.
Readings are stamped with the wall clock, as a real counter would, `speed` simulated seconds per real second.
"""
import json
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone

DOORS_OPEN_MINUTES = 60
EXIT_MINUTES = 45
HEADLINER_AT = 0.7
OTHER_ZONES_SHARE = 0.85


@dataclass
class Report:
    posts: int = 0
    readings: int = 0
    accepted: int = 0
    duplicates: int = 0
    alerts: list = field(default_factory=list)
    headcount_alerts: list = field(default_factory=list)  # lines of the approved headcount (Art. 18)
    refused: str = ""


class ApiClient:
    """The counting API seen from a device: urllib only, JSON in and out."""

    def __init__(self, base_url: str, token: str, timeout: float = 10):
        self.base = base_url.rstrip("/")
        self.headers = {"Authorization": f"Device {token}", "Content-Type": "application/json",
                        "Accept": "application/json"}
        self.timeout = timeout

    def _call(self, method: str, path: str, body=None, *, sleep=time.sleep, retries: int = 5) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        for _attempt in range(retries + 1):
            request = urllib.request.Request(self.base + path, data=data, headers=self.headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                if error.code == 429:  # throttled per device: wait as told, then send the same batch again
                    sleep(min(float(error.headers.get("Retry-After") or 1), 60))
                    continue
                try:
                    return error.code, json.loads(error.read() or b"{}")
                except ValueError:
                    return error.code, {}
        return 429, {"detail": "throttled"}

    def device(self) -> dict:
        status, payload = self._call("GET", "/api/eventday/device/")
        if status != 200:
            raise RuntimeError(f"device lookup failed ({status}): {payload}")
        return payload

    def post_readings(self, readings: list[dict], *, sleep=time.sleep) -> tuple[int, dict]:
        return self._call("POST", "/api/eventday/readings/", {"readings": readings}, sleep=sleep)


def occupancy_fraction(minute: float, *, start: float, headliner: float, end: float, close: float) -> float:
    """Share of the peak on the ground at `minute` (0 at doors opening and after the exit surge)."""
    if minute <= 0:
        return 0.0
    if minute <= headliner:
        return (minute / headliner) ** 1.6
    if minute <= end:
        return 1.0 - 0.08 * (minute - headliner) / max(end - headliner, 1)
    if minute <= close:
        return 0.92 * (1 - (minute - end) / (close - end)) ** 3
    return 0.0


def plan_targets(zones: list[dict], peak: float) -> dict[int, int]:
    """Peak occupancy to reach per zone id."""
    return {z["id"]: int(z["safe_capacity"] * (peak if z["kind"] == "core" else peak * OTHER_ZONES_SHARE))
            for z in zones}


def gate_flows(zones: list[dict], gates: list[dict], change: dict[int, int]) -> dict[str, int]:
    """Net flow through each gate so that each zone changes by `change[zone]`; inner zones first, since what
    goes on into an inner zone must first come into the outer one."""
    net: dict[str, int] = {}
    done: set[int] = set()
    pending = [z["id"] for z in zones]
    for _round in range(len(pending) + 1):
        for zone_id in list(pending):
            onward = [g for g in gates if g["from_zone"] == zone_id]
            if any(g["zone"] not in done for g in onward):
                continue
            need = change.get(zone_id, 0) + sum(net[g["code"]] for g in onward)
            own = [g for g in gates if g["zone"] == zone_id]
            for index, gate in enumerate(own):
                share = need // len(own) + (1 if index < need % len(own) else 0)
                net[gate["code"]] = share
            done.add(zone_id)
            pending.remove(zone_id)
    return net


def simulate_gates(*, base_url: str, token: str, speed: float = 60.0, until: str = "end", peak: float = 0.97,
                   batch_minutes: int = 1, seed: int = 1, resend_every: int = 7, first_sequence: int | None = None,
                   stdout=None, sleep=time.sleep) -> Report:
    """Run the day against the API; returns what was sent and what the server said. Stops if refused."""
    client = ApiClient(base_url, token)
    info = client.device()
    zones, gates = info["zones"], info["gates"]
    if not gates:
        raise RuntimeError("the event has no gates")
    event_start = datetime.fromisoformat(info["event"]["start_at"].replace("Z", "+00:00"))
    event_end = datetime.fromisoformat(info["event"]["end_at"].replace("Z", "+00:00"))
    duration = (event_end - event_start).total_seconds() / 60
    start = DOORS_OPEN_MINUTES
    headliner = start + HEADLINER_AT * duration
    end = start + duration
    close = end + EXIT_MINUTES
    last_minute = int(headliner) if until == "peak" else int(close) + 1
    targets = plan_targets(zones, peak)
    rng = random.Random(seed)
    # Sequences must not repeat across runs of the same device: start from the clock unless told.
    sequence = first_sequence if first_sequence is not None else int(time.time() * 1000)
    report = Report()
    previous = {z["id"]: 0 for z in zones}
    batch: list[dict] = []
    sent_batches: list[list[dict]] = []

    def send(readings: list[dict]) -> bool:
        status, payload = client.post_readings(readings, sleep=sleep)
        report.posts += 1
        if status != 200:
            report.refused = json.dumps(payload, ensure_ascii=False)
            if stdout:
                stdout.write(f"refused ({status}): {report.refused}\n")
            return False
        report.accepted += payload.get("accepted", 0)
        report.duplicates += payload.get("duplicates", 0)
        for alert in payload.get("alerts", []):
            report.alerts.append(alert)
            if stdout:
                stdout.write(f"ALERT {alert['zone']}: {alert['level']}\n")
        for alert in payload.get("headcount_alerts", []):
            report.headcount_alerts.append(alert)
            if stdout:
                gates = ", ".join(g["name"] for g in alert.get("gates_to_close", []))
                stdout.write(f"HEADCOUNT {alert['percent']}% of {alert['approved_headcount']}: "
                             f"{alert['occupancy']} on site; close {gates or '-'}\n")
        return True

    for minute in range(1, last_minute + 1):
        fraction = occupancy_fraction(minute, start=start, headliner=headliner, end=end, close=close)
        change = {}
        for zone in zones:
            wanted = round(targets[zone["id"]] * fraction)
            change[zone["id"]] = wanted - previous[zone["id"]]
            previous[zone["id"]] = wanted
        stamp = datetime.now(dt_timezone.utc).isoformat()
        flows = gate_flows(zones, gates, change)
        for gate in gates:
            net = flows.get(gate["code"], 0)
            churn = rng.randint(0, 3)  # people stepping out and back in: no net effect
            sequence += 1
            batch.append({"gate": gate["code"], "time": stamp, "sequence": sequence,
                          "in": max(net, 0) + churn, "out": max(-net, 0) + churn})
        if minute % batch_minutes == 0 or minute == last_minute:
            # Counters on flaky links deliver out of order and resend: the API must not care.
            rng.shuffle(batch)
            report.readings += len(batch)
            if not send(batch):
                return report
            sent_batches.append(batch)
            if resend_every and len(sent_batches) >= 2 and len(sent_batches) % resend_every == 0 \
                    and not send(sent_batches[-2]):
                return report
            batch = []
            if speed > 0:
                sleep(60 * batch_minutes / speed)
        if stdout and minute % 30 == 0:
            stdout.write(f"t+{minute:>4} min  " + "  ".join(
                f"{z['name']} {previous[z['id']]}/{z['safe_capacity']}" for z in zones) + "\n")
    return report
