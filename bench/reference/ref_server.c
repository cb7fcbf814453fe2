/*
 * ref_server: the ceiling the Eureka server is measured against.
 *
 * The same machinery the server is built on (one libuv loop, http_parser) doing the least possible work per
 * request: every request, whatever its method or path, is answered "200 OK" with an empty body. Whatever the
 * real server spends beyond this is the cost of being a registry; whatever this spends is the cost of libuv,
 * http_parser and the kernel, which the server cannot beat.
 *
 * It honours what a fair comparison needs and no more:
 *   - keep-alive by default (HTTP/1.1), "Connection: close" and HTTP/1.0 end the connection after the answer;
 *   - pipelining: all answers produced by one read callback leave in one uv_write (as the server does, STYLE 4.4);
 *   - one shared read slab, so idle connections cost no read buffer (as the server does, STYLE 4.3);
 *   - SIGINT/SIGTERM close every handle and return 0, so valgrind/callgrind write their output.
 *
 * Usage: ref_server PORT | ref_server --server.port=PORT [--any.other=setting ...]
 * The second form lets it stand in for the server's command line in the suite's plumbing checks; settings other
 * than server.port are accepted and ignored. It binds 127.0.0.1 only: it is a benchmark target, not a service.
 *
 * Build: cc -O2 -o ref_server ref_server.c -luv -lhttp_parser
 */
#include <http_parser.h>
#include <uv.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kResponse[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
static const char kResponseClose[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char kResponseKeepAlive10[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n";

/* A client that pipelines without reading would otherwise make us queue answers without bound. */
#define MAX_PENDING_BYTES (1 << 20)
#define READ_SLAB_BYTES (64 * 1024)

/* A growable byte buffer. Its bytes belong to libuv from uv_write until the write callback. */
typedef struct {
  char *base;
  size_t len;
  size_t cap;
} bytes_t;

typedef struct {
  uv_tcp_t tcp;          /* first member: a uv_handle_t* to it is a conn_t* */
  http_parser parser;    /* parser.data points back here */
  uv_write_t write_req;  /* one write in flight at a time, so one request object suffices */
  bytes_t in_flight;     /* handed to uv_write; untouched until its callback */
  bytes_t pending;       /* answers produced meanwhile, in request order */
  int writing;
  int closing;           /* uv_close called: no more reads, writes or answers */
  int close_after_write; /* a "Connection: close" answer is queued: close once it is written */
  int reading;
} conn_t;

static uv_loop_t *loop;
static uv_tcp_t listener;
static uv_signal_t sigint_watcher, sigterm_watcher;
static http_parser_settings parser_settings;

/* alloc and read callbacks run back to back on this thread and the parser consumes the bytes in between,
   so every connection can share one slab. */
static char read_slab[READ_SLAB_BYTES];

static int bytes_append(bytes_t *b, const char *data, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    char *p = realloc(b->base, cap);
    if (p == NULL) return -1;
    b->base = p;
    b->cap = cap;
  }
  memcpy(b->base + b->len, data, n);
  b->len += n;
  return 0;
}

static void on_close(uv_handle_t *handle) {
  conn_t *c = (conn_t *)handle;
  free(c->in_flight.base);
  free(c->pending.base);
  free(c);
}

static void conn_close(conn_t *c) {
  if (c->closing) return;
  c->closing = 1;
  /* libuv runs a cancelled write's callback before the close callback, so freeing there is safe. */
  uv_close((uv_handle_t *)&c->tcp, on_close);
}

static void conn_flush(conn_t *c);
static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);
static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf);

static void on_write(uv_write_t *req, int status) {
  conn_t *c = req->data;
  c->writing = 0;
  c->in_flight.len = 0; /* keep the capacity for the next turn */
  if (status < 0 || c->closing) {
    conn_close(c);
    return;
  }
  if (!c->reading && !c->close_after_write && c->pending.len < MAX_PENDING_BYTES) {
    c->reading = 1;
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  }
  conn_flush(c);
}

/* Called once per read callback and once per finished write: everything queued leaves in one uv_write. */
static void conn_flush(conn_t *c) {
  if (c->writing || c->closing) return;
  if (c->pending.len == 0) {
    if (c->close_after_write) conn_close(c);
    return;
  }
  bytes_t t = c->in_flight;
  c->in_flight = c->pending;
  c->pending = t;
  uv_buf_t buf = uv_buf_init(c->in_flight.base, (unsigned int)c->in_flight.len);
  c->write_req.data = c;
  if (uv_write(&c->write_req, (uv_stream_t *)&c->tcp, &buf, 1, on_write) < 0) {
    conn_close(c);
    return;
  }
  c->writing = 1;
}

static int on_message_complete(http_parser *p) {
  conn_t *c = p->data;
  const char *answer = kResponse;
  size_t n = sizeof kResponse - 1;
  if (!http_should_keep_alive(p)) {
    answer = kResponseClose;
    n = sizeof kResponseClose - 1;
    c->close_after_write = 1;
  } else if (p->http_major == 1 && p->http_minor == 0) {
    /* HTTP/1.0 keeps the connection only when it asked to, and then the answer must say so. */
    answer = kResponseKeepAlive10;
    n = sizeof kResponseKeepAlive10 - 1;
  }
  if (bytes_append(&c->pending, answer, n) < 0) return 1;
  /* Requests after a "close" one are not answered: stop parsing this connection for good. */
  if (c->close_after_write) http_parser_pause(p, 1);
  return 0;
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  (void)handle;
  (void)suggested;
  *buf = uv_buf_init(read_slab, sizeof read_slab);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  conn_t *c = (conn_t *)stream;
  if (nread < 0) { /* EOF or error: nothing more to answer */
    conn_close(c);
    return;
  }
  if (nread == 0 || c->close_after_write) return;
  size_t used = http_parser_execute(&c->parser, &parser_settings, buf->base, (size_t)nread);
  enum http_errno err = HTTP_PARSER_ERRNO(&c->parser);
  if (err != HPE_OK && err != HPE_PAUSED) {
    conn_close(c);
    return;
  }
  (void)used;
  if (c->close_after_write || c->pending.len >= MAX_PENDING_BYTES) {
    c->reading = 0;
    uv_read_stop(stream);
  }
  conn_flush(c);
}

static void on_connection(uv_stream_t *server, int status) {
  if (status < 0) return;
  conn_t *c = calloc(1, sizeof *c);
  if (c == NULL) return;
  uv_tcp_init(loop, &c->tcp);
  if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
    conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1); /* answers are small and must not wait for Nagle */
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->reading = 1;
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void close_any(uv_handle_t *handle, void *arg) {
  (void)arg;
  if (uv_is_closing(handle)) return;
  if (handle->type == UV_TCP && handle != (uv_handle_t *)&listener)
    conn_close((conn_t *)handle);
  else
    uv_close(handle, NULL);
}

/* Close every handle; uv_run then returns once their close callbacks ran, and main exits 0. */
static void on_signal(uv_signal_t *watcher, int signum) {
  (void)watcher;
  (void)signum;
  uv_walk(loop, close_any, NULL);
}

static int parse_port(int argc, char **argv) {
  static const char flag[] = "--server.port=";
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], flag, sizeof flag - 1) == 0) return atoi(argv[i] + sizeof flag - 1);
    if (argv[i][0] != '-') return atoi(argv[i]);
  }
  return -1;
}

int main(int argc, char **argv) {
  int port = parse_port(argc, argv);
  if (port <= 0 || port > 65535) {
    fprintf(stderr, "usage: %s PORT | --server.port=PORT [--other=ignored ...]\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* a peer that resets mid-write must give EPIPE, not kill us */
  loop = uv_default_loop();

  http_parser_settings_init(&parser_settings);
  parser_settings.on_message_complete = on_message_complete;

  struct sockaddr_in addr;
  uv_ip4_addr("127.0.0.1", port, &addr);
  uv_tcp_init(loop, &listener);
  int rc = uv_tcp_bind(&listener, (const struct sockaddr *)&addr, 0);
  /* A deep backlog: wrk opens 1,000 connections at once. The kernel caps it at net.core.somaxconn. */
  if (rc == 0) rc = uv_listen((uv_stream_t *)&listener, 8192, on_connection);
  if (rc < 0) {
    fprintf(stderr, "ref_server: cannot listen on 127.0.0.1:%d: %s\n", port, uv_strerror(rc));
    return 1;
  }

  uv_signal_init(loop, &sigint_watcher);
  uv_signal_start(&sigint_watcher, on_signal, SIGINT);
  uv_signal_init(loop, &sigterm_watcher);
  uv_signal_start(&sigterm_watcher, on_signal, SIGTERM);

  uv_run(loop, UV_RUN_DEFAULT);
  return uv_loop_close(loop) == 0 ? 0 : 1;
}
