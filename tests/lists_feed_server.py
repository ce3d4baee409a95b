#!/usr/bin/env python3
"""A loopback HTTP server for the `xgate lists update` tests: it serves the files of a directory
(re-read on every request, so a test swaps version 1 for version 2 by replacing files) and, by the
first path segment, the faults a feed can show:

  /files/NAME      the file, with an ETag (its SHA-256) and Last-Modified; If-None-Match → 304
  /truncated/NAME  announces the whole length, sends half, closes
  /empty/NAME      200 with an empty body
  /html/NAME       200 with an HTML error page
  /status500/NAME  500
  /slow/NAME       sleeps SLOW seconds before answering (for a client time-out)
  /redirect/NAME   302 to /files/NAME
  /lastmod/NAME    the file with Last-Modified only (no ETag); If-Modified-Since → 304

Usage: lists_feed_server.py ROOT PORT_FILE LOG_FILE [SLOW]. Binds 127.0.0.1 only, on a port the
kernel picks, written to PORT_FILE once listening. Each request is logged to LOG_FILE as
"METHOD PATH if-none-match=… if-modified-since=…".
"""
import hashlib
import http.server
import os
import sys
import time
from email.utils import formatdate

ROOT, PORT_FILE, LOG_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
SLOW = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_body(self, code, body, ctype="text/plain", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with open(LOG_FILE, "a") as log:
            log.write("GET %s if-none-match=%s if-modified-since=%s\n" % (
                self.path, self.headers.get("If-None-Match", ""), self.headers.get("If-Modified-Since", "")))
        parts = self.path.split("/", 2)
        if len(parts) < 3:
            return self.send_body(404, b"not found\n")
        mode, name = parts[1], parts[2]
        path = os.path.join(ROOT, os.path.basename(name))
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "/files/" + name)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not os.path.isfile(path):
            return self.send_body(404, b"not found\n")
        with open(path, "rb") as f:
            data = f.read()
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:32]
        lm = formatdate(os.path.getmtime(path), usegmt=True)
        if mode == "files":
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            return self.send_body(200, data, extra=(("ETag", etag), ("Last-Modified", lm)))
        if mode == "lastmod":
            if self.headers.get("If-Modified-Since") == lm:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self.send_body(200, data, extra=(("Last-Modified", lm),))
        if mode == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "empty":
            return self.send_body(200, b"")
        if mode == "html":
            page = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>" \
                   b"<body><h1>Service Unavailable</h1></body></html>\n"
            return self.send_body(200, page, "text/html")
        if mode == "status500":
            return self.send_body(500, b"internal error\n")
        if mode == "slow":
            time.sleep(SLOW)
            return self.send_body(200, data)
        return self.send_body(404, b"unknown mode\n")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.handle_error = lambda request, address: None  # a client that hung up (time-out test)
tmp = PORT_FILE + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, PORT_FILE)
server.serve_forever()
