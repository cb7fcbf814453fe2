/*
 * holder: open M keep-alive connections to 127.0.0.1:PORT, make each a real HTTP connection with one
 * GET /eureka/status answered, then hold them all, idle, until SIGTERM or SIGINT (or the time limit).
 *
 * Used by memory.sh to measure what an idle connection costs the server. One process may hold at most 20,000
 * descriptors here, so memory.sh starts two holders for ~19,000 connections.
 *
 * Prints "held M" on stdout once every connection is established and answered; exits 1 if any was not.
 */
#include <arpa/inet.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int signum) {
  (void)signum;
  stop_requested = 1;
}

static int on_message_complete(http_parser *p) {
  *(int *)p->data = 1;
  return 0;
}

/* Connect, send one status request, read until its answer is complete. Returns the descriptor or -1. */
static int open_one(const struct sockaddr_in *addr, const char *request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval tv = {.tv_sec = 10};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) < 0 ||
      send(fd, request, strlen(request), MSG_NOSIGNAL) != (ssize_t)strlen(request)) {
    close(fd);
    return -1;
  }
  http_parser_settings settings = {.on_message_complete = on_message_complete};
  http_parser parser;
  int complete = 0;
  http_parser_init(&parser, HTTP_RESPONSE);
  parser.data = &complete;
  char buf[16384];
  while (!complete) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0 || http_parser_execute(&parser, &settings, buf, (size_t)n) != (size_t)n ||
        parser.status_code != 200) {
      close(fd);
      return -1;
    }
  }
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s PORT COUNT [MAX_SECONDS=300]\n", argv[0]);
    return 2;
  }
  int port = atoi(argv[1]);
  long count = atol(argv[2]);
  int max_seconds = argc > 3 ? atoi(argv[3]) : 300;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  char request[128];
  snprintf(request, sizeof request, "GET /eureka/status HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: application/json\r\n\r\n",
           port);

  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGALRM, on_signal); /* the time limit: a forgotten holder must not pin the server's memory forever */
  alarm((unsigned)max_seconds);

  for (long i = 0; i < count && !stop_requested; i++) {
    if (open_one(&addr, request) < 0) {
      fprintf(stderr, "holder: connection %ld of %ld failed\n", i + 1, count);
      return 1; /* exit closes what is open */
    }
  }
  printf("held %ld\n", count);
  fflush(stdout);
  while (!stop_requested) pause();
  return 0;
}
