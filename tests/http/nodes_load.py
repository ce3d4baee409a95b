#!/usr/bin/env python3
"""Mixed load against xgate nodes (tests/http/test_serve_nodes.sh): decide, screen and review.

Usage: nodes_load.py BASE SERVICE_KEY ANALYST_KEY OUT_DIR REQUESTS [CLIENTS]

Each client thread sends REQUESTS requests (0: until the file OUT_DIR/stop exists) in a fixed mix: a decision that waits for review, a
clean decision, a screening, and a review (clear) of an earlier acknowledged REVIEW decision.
Only answers with status 200 count as acknowledged; everything else (the 502/503 of a node killed
mid-request, a reset connection) is counted as failed and retried on a new connection, never
assumed done. Writes OUT_DIR/acked_decisions (one id a line), OUT_DIR/acked_reviews and
OUT_DIR/load.json (counts). Standard library only.
"""
import http.client
import json
import os
import sys
import threading
import urllib.parse

REVIEW = {"customer": {"name": "Harbour Bridge Trading Ltd", "country": "HK", "headquarters": "HK"},
          "intermediaries": [{"name": "Pearl River GPU Rentals", "country": "HK", "role": "reseller",
                              "names_end_user": False}],
          "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
          "access": {"source_country": "HK", "payment_country": "HK", "end_use": "inference"}}
CLEAN = {"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"},
         "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
         "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}
SCREEN = {"name": "Beijing University of Aeronautics and Astronautics"}


class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def post(self, path, key, body):
        """(status, parsed body or None); status 0 for a transport error."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request("POST", path, body=json.dumps(body),
                              headers={"Authorization": "Bearer " + key,
                                       "Content-Type": "application/json"})
            r = self.conn.getresponse()
            data = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            try:
                return r.status, json.loads(data)
            except ValueError:
                return r.status, None
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return 0, None


def main():
    base, service, analyst, out, n = sys.argv[1:6]
    n, clients = int(n), int(sys.argv[6]) if len(sys.argv) > 6 else 4
    lock = threading.Lock()
    decisions, reviews = [], []
    counts = {"ok": 0, "failed": 0, "by_status": {}}

    def note(status):
        with lock:
            counts["ok" if status == 200 else "failed"] += 1
            counts["by_status"][str(status)] = counts["by_status"].get(str(status), 0) + 1

    def worker():
        c = Client(base)
        pending = []  # REVIEW decisions acknowledged by this client, not yet reviewed
        i = -1
        while True:
            i += 1
            if (n and i >= n) or (not n and os.path.exists(os.path.join(out, "stop"))):
                break
            kind = i % 4
            if kind == 3 and pending:
                did = pending.pop(0)
                st, d = c.post("/v1/reviews/" + did, analyst,
                               {"action": "clear", "reason": "end user named (nodes test)"})
                note(st)
                if st == 200:
                    with lock:
                        reviews.append(did)
                elif st != 409:
                    pending.append(did)  # not known to be done: try again later
                continue
            if kind == 2 or kind == 3:
                st, _ = c.post("/v1/screen", service, SCREEN)
                note(st)
                continue
            st, d = c.post("/v1/decide", service, REVIEW if kind == 0 else CLEAN)
            note(st)
            if st == 200 and d and d.get("decision_id"):
                with lock:
                    decisions.append(d["decision_id"])
                if d.get("decision") == "REVIEW":
                    pending.append(d["decision_id"])

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(os.path.join(out, "acked_decisions"), "w") as f:
        f.writelines(x + "\n" for x in decisions)
    with open(os.path.join(out, "acked_reviews"), "w") as f:
        f.writelines(x + "\n" for x in reviews)
    counts["decisions"], counts["reviews"] = len(decisions), len(reviews)
    with open(os.path.join(out, "load.json"), "w") as f:
        json.dump(counts, f)


if __name__ == "__main__":
    main()
