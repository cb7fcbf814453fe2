/* See loadgen.h. */
#include "loadgen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The largest request a format function may write: a replication batch of 250 heartbeat items is ~36 KB. */
#define MAX_REQUEST_BYTES 65536

typedef struct {
  const naming_t *nm;
  format_fn format;
  long instances, start, count; /* request k goes to instance (start + k) % instances */
  int expect;
  long next, answered, unexpected;
  int first_unexpected;
} run_t;

typedef struct {
  int fd;
  http_parser parser;
  run_t *run;
  char *out;       /* requests formatted but not yet sent */
  size_t out_off, out_len, out_cap;
  int in_flight;   /* sent or queued, not yet answered */
} conn_t;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int on_message_complete(http_parser *p) {
  conn_t *c = p->data;
  run_t *r = c->run;
  c->in_flight--;
  r->answered++;
  if (p->status_code != r->expect) {
    if (r->unexpected++ == 0) r->first_unexpected = p->status_code;
  }
  return 0;
}

static http_parser_settings settings = {.on_message_complete = on_message_complete};

static int connect_to(const char *host, int port) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  /* Blocking connect: on loopback it completes at once, and it keeps the code short. */
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/* Queue requests until this connection has `depth` unanswered ones or the run has sent them all. */
static int refill(conn_t *c, int depth) {
  run_t *r = c->run;
  while (c->in_flight < depth && r->next < r->count) {
    if (c->out_cap - c->out_len < MAX_REQUEST_BYTES) {
      size_t cap = c->out_cap ? c->out_cap * 2 : 4 * MAX_REQUEST_BYTES;
      char *p = realloc(c->out, cap);
      if (p == NULL) return -1;
      c->out = p;
      c->out_cap = cap;
    }
    long instance = (r->start + r->next) % r->instances;
    int n = r->format(r->nm, instance, c->out + c->out_len, c->out_cap - c->out_len);
    if (n < 0) return -1;
    c->out_len += (size_t)n;
    c->in_flight++;
    r->next++;
  }
  return 0;
}

static int send_some(conn_t *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    c->out_off += (size_t)n;
  }
  c->out_off = c->out_len = 0;
  return 0;
}

static int receive_some(conn_t *c) {
  char buf[65536];
  for (;;) {
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    if (n == 0) return c->in_flight > 0 ? -1 : 0; /* closed with answers owed */
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    size_t used = http_parser_execute(&c->parser, &settings, buf, (size_t)n);
    if (used != (size_t)n || HTTP_PARSER_ERRNO(&c->parser) != HPE_OK) return -1;
  }
}

static void usage(const char *name) {
  fprintf(stderr,
          "usage: %s -p PORT [-h 127.0.0.1] [-n INSTANCES=10000] [-m APPS=100] [-P PREFIX=bench]\n"
          "       [-t DIRTY_TS=1732440000000] [-k COUNT=INSTANCES] [-s START=0] [-c CONNS=8] [-d DEPTH=16]\n"
          "       [-e EXPECTED_STATUS] [-T TIMEOUT_S=60] [-x INDEX: print request INDEX and exit]\n"
          "       [-a AUTHORIZATION: header value sent with every request, e.g. 'Basic dXNlcjpwdw==']\n",
          name);
}

int loadgen_main(int argc, char **argv, const char *name, format_fn format, int default_expect) {
  const char *host = "127.0.0.1";
  int port = 0, conns = 8, depth = 16, opt;
  long print_index = -1;
  double timeout_s = 60;
  naming_t nm = {.prefix = "bench", .apps = 100, .dirty_ts = "1732440000000", .auth_line = ""};
  char auth_line[512];
  run_t r = {.nm = &nm, .format = format, .instances = 10000, .count = -1, .expect = default_expect};
  while ((opt = getopt(argc, argv, "h:p:n:m:P:t:k:s:c:d:e:T:x:a:")) != -1) {
    switch (opt) {
      case 'h': host = optarg; break;
      case 'p': port = atoi(optarg); break;
      case 'n': r.instances = atol(optarg); break;
      case 'm': nm.apps = atol(optarg); break;
      case 'P': nm.prefix = optarg; break;
      case 't': nm.dirty_ts = optarg; break;
      case 'k': r.count = atol(optarg); break;
      case 's': r.start = atol(optarg); break;
      case 'c': conns = atoi(optarg); break;
      case 'd': depth = atoi(optarg); break;
      case 'e': r.expect = atoi(optarg); break;
      case 'T': timeout_s = atof(optarg); break;
      case 'x': print_index = atol(optarg); break;
      case 'a':
        if (snprintf(auth_line, sizeof auth_line, "Authorization: %s\r\n", optarg) >= (int)sizeof auth_line) return 2;
        nm.auth_line = auth_line;
        break;
      default: usage(name); return 2;
    }
  }
  if (port <= 0 || r.instances <= 0 || nm.apps <= 0 || conns <= 0 || depth <= 0) {
    usage(name);
    return 2;
  }
  if (r.count < 0) r.count = r.instances;
  char host_header[64];
  snprintf(host_header, sizeof host_header, "%s:%d", host, port);
  nm.host_header = host_header;
  nm.instances = r.instances;

  if (print_index >= 0) {
    char req[MAX_REQUEST_BYTES];
    int n = format(&nm, print_index, req, sizeof req);
    if (n < 0) return 1;
    fwrite(req, 1, (size_t)n, stdout);
    return 0;
  }

  conn_t *cs = calloc((size_t)conns, sizeof *cs);
  struct pollfd *pfds = calloc((size_t)conns, sizeof *pfds);
  if (cs == NULL || pfds == NULL) return 1;
  for (int i = 0; i < conns; i++) {
    cs[i].run = &r;
    cs[i].fd = connect_to(host, port);
    if (cs[i].fd < 0) {
      fprintf(stderr, "%s: cannot connect to %s:%d: %s\n", name, host, port, strerror(errno));
      return 1;
    }
    http_parser_init(&cs[i].parser, HTTP_RESPONSE);
    cs[i].parser.data = &cs[i];
  }

  double started = now_s(), deadline = started + timeout_s;
  int failed = 0;
  while (r.answered < r.count && !failed) {
    double left = deadline - now_s();
    if (left <= 0) {
      fprintf(stderr, "%s: timed out after %.0f s with %ld of %ld answered\n", name, timeout_s, r.answered, r.count);
      failed = 1;
      break;
    }
    for (int i = 0; i < conns; i++) {
      if (refill(&cs[i], depth) < 0 || send_some(&cs[i]) < 0) failed = 1;
      pfds[i].fd = cs[i].fd;
      pfds[i].events = (short)(POLLIN | (cs[i].out_len > cs[i].out_off ? POLLOUT : 0));
    }
    if (failed || poll(pfds, (nfds_t)conns, (int)(left * 1000) + 1) < 0) break;
    for (int i = 0; i < conns; i++) {
      if ((pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) && receive_some(&cs[i]) < 0) {
        fprintf(stderr, "%s: connection %d failed (closed, reset or unparseable answer)\n", name, i);
        failed = 1;
      }
    }
  }
  double took = now_s() - started;
  for (int i = 0; i < conns; i++) {
    close(cs[i].fd);
    free(cs[i].out);
  }
  free(cs);
  free(pfds);

  fprintf(stderr, "%s: %ld requests, %ld answered, %ld unexpected status, %.2f s, %.0f req/s\n", name, r.count,
          r.answered, r.unexpected, took, took > 0 ? r.answered / took : 0.0);
  if (r.unexpected > 0)
    fprintf(stderr, "%s: first unexpected status %d (expected %d)\n", name, r.first_unexpected, r.expect);
  return failed || r.unexpected > 0 || r.answered != r.count ? 1 : 0;
}
