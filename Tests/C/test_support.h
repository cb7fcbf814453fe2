/* What the C tests share: checks that count and say where they failed, a blocking HTTP/1.1 client for
 * 127.0.0.1 (run on a thread of its own while the loop serves), and a one-shot latch between threads. */
#ifndef EUREKA_TEST_SUPPORT_H
#define EUREKA_TEST_SUPPORT_H

#define _POSIX_C_SOURCE 200809L /* sockets, threads and uv.h under -std=c99 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <eureka_server.h>

static int checks_run;
static int checks_failed;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    checks_run++;                                                                     \
    if (!(cond)) {                                                                    \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);        \
    }                                                                                 \
  } while (0)

/* A call's code must be `expected`; on a mismatch the message of the last error is shown. */
#define CHECK_CODE(call, expected)                                                               \
  do {                                                                                           \
    int rc_ = (call);                                                                            \
    checks_run++;                                                                                \
    if (rc_ != (expected)) {                                                                     \
      checks_failed++;                                                                           \
      fprintf(stderr, "%s:%d: %s returned %d (%s: %s), expected %d\n", __FILE__, __LINE__, #call, \
              rc_, eureka_strerror(rc_), eureka_last_error(), (int)(expected));                  \
    }                                                                                            \
  } while (0)

/* The last error's message must contain `part`. */
#define CHECK_MESSAGE(part)                                                                             \
  do {                                                                                                  \
    checks_run++;                                                                                       \
    if (strstr(eureka_last_error(), (part)) == NULL) {                                                  \
      checks_failed++;                                                                                  \
      fprintf(stderr, "%s:%d: last error \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, eureka_last_error(), \
              (part));                                                                                  \
    }                                                                                                   \
  } while (0)

static inline int checks_summary(const char *test) {
  printf("%s: %d checks, %d failed\n", test, checks_run, checks_failed);
  return checks_failed == 0 ? 0 : 1;
}

/* One request with `Connection: close`; the whole response lands in `response` (NUL-terminated, cut at
 * `capacity`). Returns the status code, or -1 when the exchange failed. */
static inline int http_exchange(int port, const char *method, const char *path, const char *headers, const char *body,
                         char *response, size_t capacity) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address;
  char request[4096];
  size_t used = 0;
  int status = -1;
  struct timeval timeout = {5, 0}; /* a node that does not answer fails the check instead of hanging it */
  if (fd < 0) return -1;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&address, sizeof address) == 0) {
    int length = snprintf(request, sizeof request,
                          "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%sContent-Length: %zu\r\n\r\n%s",
                          method, path, headers ? headers : "", body ? strlen(body) : (size_t)0, body ? body : "");
    if (length > 0 && send(fd, request, (size_t)length, 0) == length) {
      ssize_t n;
      while (used + 1 < capacity && (n = recv(fd, response + used, capacity - 1 - used, 0)) > 0) used += (size_t)n;
      response[used] = '\0';
      if (sscanf(response, "HTTP/1.1 %d", &status) != 1) status = -1;
    }
  }
  close(fd);
  return status;
}

/* A one-shot signal from one thread to another. */
typedef struct latch {
  pthread_mutex_t mutex;
  pthread_cond_t condition;
  int done;
} latch;

static inline void latch_init(latch *l) {
  pthread_mutex_init(&l->mutex, NULL);
  pthread_cond_init(&l->condition, NULL);
  l->done = 0;
}

static inline void latch_open(latch *l) {
  pthread_mutex_lock(&l->mutex);
  l->done = 1;
  pthread_cond_broadcast(&l->condition);
  pthread_mutex_unlock(&l->mutex);
}

static inline void latch_wait(latch *l) {
  pthread_mutex_lock(&l->mutex);
  while (!l->done) pthread_cond_wait(&l->condition, &l->mutex);
  pthread_mutex_unlock(&l->mutex);
}

static inline void latch_destroy(latch *l) {
  pthread_cond_destroy(&l->condition);
  pthread_mutex_destroy(&l->mutex);
}

#endif
