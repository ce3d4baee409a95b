/*
 * http_ceiling.c — the HTTP ceiling for bench_http.sh: a trivial civetweb server with the same
 * options as `xgate serve` (threads, keep-alive, tcp_nodelay) whose one handler answers a fixed
 * small JSON body. Whatever xgate adds on top of this is the cost of its own work.
 * Usage: http_ceiling PORT THREADS (runs until SIGTERM/SIGINT).
 */
#include <civetweb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int answer(struct mg_connection *conn, void *cbdata)
{
    static const char body[] = "{\"status\":\"ok\"}\n";
    (void)cbdata;
    mg_response_header_start(conn, 200);
    mg_response_header_add(conn, "Content-Type", "application/json", -1);
    mg_response_header_add(conn, "Content-Length", "16", -1);
    mg_response_header_send(conn);
    mg_write(conn, body, sizeof body - 1);
    return 200;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: http_ceiling PORT THREADS\n");
        return 2;
    }
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%s", argv[1]);
    const char *options[] = {
        "listening_ports",   listen, "num_threads",           argv[2], "tcp_nodelay", "1",
        "enable_keep_alive", "yes",  "keep_alive_timeout_ms", "5000",  NULL};
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    mg_init_library(0);
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof cb);
    struct mg_context *ctx = mg_start(&cb, NULL, options);
    if (!ctx) {
        fprintf(stderr, "http_ceiling: cannot listen on %s\n", listen);
        return 1;
    }
    mg_set_request_handler(ctx, "/", answer, NULL);
    int sig;
    sigwait(&set, &sig);
    mg_stop(ctx);
    mg_exit_library();
    return 0;
}
