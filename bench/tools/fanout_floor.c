/*
 * fanout_floor: the physical floor of the change stream's fan-out on this machine (issue 20). One sending
 * thread holds N loopback TCP connections and writes one event of B bytes to each, with plain write() (or one
 * writev() of K events) on non-blocking sockets, as the node's loop does for each change; a receiver in another
 * process, pinned to the other core, reads and discards, as the subscribers do.
 *
 * Per round it measures the sender's fan-out time (first write to last write returning) and the time until the
 * receiver has read every byte of the round (one CLOCK_MONOTONIC for both processes), and from getrusage the
 * sender's user and kernel CPU per send. Rounds are spaced by --gap-ms (200: the 5 changes/s of stream.py).
 *
 *   fanout_floor [-n N] [-r ROUNDS] [-b BYTES] [-k EVENTS_PER_WRITEV] [-d NODELAY 0|1] [-g GAP_MS]
 *                [-s SENDER_CPU] [-c RECEIVER_CPU]
 *
 * Bounded: N <= 19,000 connections, ROUNDS <= 1,000, every wait has a 60 s deadline; the receiver is stopped by
 * its PID (SIGTERM) at the end or on failure. Only 127.0.0.1. Built by bench/fanout-floor.sh, not part of CI.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 19000
#define MAX_ROUNDS 1000
#define MAX_EVENTS_PER_WRITE 64
#define DEADLINE_NS (60LL * 1000000000LL)

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pin(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) perror("sched_setaffinity");
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int write_all(int fd, const void *bytes, size_t count) {
  const char *p = bytes;
  while (count > 0) {
    ssize_t n = write(fd, p, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    count -= (size_t)n;
  }
  return 0;
}

/* The receiver: accepts n connections, then reads everything, and after each round's bytes (n * per_round)
 * reports the time it read the round's last byte on `report`. Exits when the sender closes the connections. */
static void receive(int listener, int n, long per_round, int report, int cpu) {
  pin(cpu);
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  for (int i = 0; i < n; i++) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) die("accept");
    fcntl(fd, F_SETFL, O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
  }
  close(listener);
  int64_t ready = now_ns();
  if (write_all(report, &ready, sizeof ready) != 0) die("report");
  static char buffer[65536];
  static struct epoll_event events[1024];
  long long total = 0, next = (long long)n * per_round;
  int open = n;
  while (open > 0) {
    int count = epoll_wait(ep, events, 1024, 60000);
    if (count <= 0) break;  // a minute of silence: the sender is gone
    for (int i = 0; i < count; i++) {
      for (;;) {
        ssize_t got = read(events[i].data.fd, buffer, sizeof buffer);
        if (got > 0) {
          total += got;
          continue;
        }
        if (got == 0) {
          close(events[i].data.fd);
          open--;
        }
        break;
      }
    }
    while (total >= next) {
      int64_t at = now_ns();
      if (write_all(report, &at, sizeof at) != 0) die("report");
      next += (long long)n * per_round;
    }
  }
  exit(0);
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pick(double *sorted, int count, double p) {
  int index = (int)(p / 100.0 * (count - 1) + 0.5);
  return sorted[index < count ? index : count - 1];
}

static double cpu_us(struct timeval tv) { return tv.tv_sec * 1e6 + tv.tv_usec; }

int main(int argc, char **argv) {
  int n = 10000, rounds = 30, bytes = 200, per_writev = 1, nodelay = 1, gap_ms = 200, sender_cpu = 0, receiver_cpu = 1;
  int opt;
  while ((opt = getopt(argc, argv, "n:r:b:k:d:g:s:c:")) != -1) {
    switch (opt) {
      case 'n': n = atoi(optarg); break;
      case 'r': rounds = atoi(optarg); break;
      case 'b': bytes = atoi(optarg); break;
      case 'k': per_writev = atoi(optarg); break;
      case 'd': nodelay = atoi(optarg); break;
      case 'g': gap_ms = atoi(optarg); break;
      case 's': sender_cpu = atoi(optarg); break;
      case 'c': receiver_cpu = atoi(optarg); break;
      default:
        fprintf(stderr, "usage: %s [-n N] [-r ROUNDS] [-b BYTES] [-k EVENTS_PER_WRITEV] [-d 0|1] [-g GAP_MS] [-s CPU] [-c CPU]\n", argv[0]);
        return 2;
    }
  }
  if (n < 1 || n > MAX_CONNECTIONS || rounds < 1 || rounds > MAX_ROUNDS || bytes < 1 || bytes > 65536 ||
      per_writev < 1 || per_writev > MAX_EVENTS_PER_WRITE || gap_ms < 0 || gap_ms > 10000) {
    fprintf(stderr, "out of bounds: n 1..%d, rounds 1..%d, bytes 1..65536, k 1..%d, gap 0..10000 ms\n", MAX_CONNECTIONS,
            MAX_ROUNDS, MAX_EVENTS_PER_WRITE);
    return 2;
  }
  struct rlimit limit;
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < (rlim_t)n + 64 && limit.rlim_max >= (rlim_t)n + 64) {
    limit.rlim_cur = (rlim_t)n + 64;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof addr;
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 4096) != 0 ||
      getsockname(listener, (struct sockaddr *)&addr, &length) != 0)
    die("listener");
  int pipefd[2];
  if (pipe(pipefd) != 0) die("pipe");
  pid_t receiver = fork();
  if (receiver < 0) die("fork");
  if (receiver == 0) {
    close(pipefd[0]);
    receive(listener, n, (long)bytes * per_writev, pipefd[1], receiver_cpu);
  }
  close(pipefd[1]);
  close(listener);
  pin(sender_cpu);

  int *fds = calloc((size_t)n, sizeof *fds);
  for (int i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&addr, sizeof addr) != 0) {
      perror("connect");
      kill(receiver, SIGTERM);
      return 1;
    }
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
  }
  int64_t ready;
  if (read(pipefd[0], &ready, sizeof ready) != sizeof ready) {
    fprintf(stderr, "receiver did not accept\n");
    kill(receiver, SIGTERM);
    return 1;
  }

  // One event: a chunk-framed SSE change of `bytes` bytes, as the node sends (the content does not matter).
  char *event = malloc((size_t)bytes);
  memset(event, 'x', (size_t)bytes);
  struct iovec iov[MAX_EVENTS_PER_WRITE];
  for (int j = 0; j < per_writev; j++) iov[j] = (struct iovec){.iov_base = event, .iov_len = (size_t)bytes};
  size_t round_bytes = (size_t)bytes * per_writev;

  double fanout_ms[MAX_ROUNDS], arrival_ms[MAX_ROUNDS];
  long short_writes = 0;
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  for (int r = 0; r < rounds; r++) {
    int64_t start = now_ns();
    for (int i = 0; i < n; i++) {
      ssize_t sent = per_writev == 1 ? write(fds[i], event, (size_t)bytes) : writev(fds[i], iov, per_writev);
      if (sent != (ssize_t)round_bytes) short_writes++;  // would be queued by the node; never seen at these sizes
    }
    int64_t end = now_ns();
    int64_t last;
    if (read(pipefd[0], &last, sizeof last) != sizeof last || last - start > DEADLINE_NS) {
      fprintf(stderr, "receiver lost\n");
      kill(receiver, SIGTERM);
      return 1;
    }
    fanout_ms[r] = (end - start) / 1e6;
    arrival_ms[r] = (last - start) / 1e6;
    struct timespec gap = {.tv_sec = gap_ms / 1000, .tv_nsec = (gap_ms % 1000) * 1000000L};
    nanosleep(&gap, NULL);
  }
  getrusage(RUSAGE_SELF, &after);
  for (int i = 0; i < n; i++) close(fds[i]);
  int status;
  waitpid(receiver, &status, 0);

  double user = cpu_us(after.ru_utime) - cpu_us(before.ru_utime);
  double sys = cpu_us(after.ru_stime) - cpu_us(before.ru_stime);
  double sends = (double)n * rounds;
  qsort(fanout_ms, (size_t)rounds, sizeof(double), compare);
  qsort(arrival_ms, (size_t)rounds, sizeof(double), compare);
  printf("n=%d rounds=%d bytes=%d events_per_write=%d nodelay=%d gap_ms=%d sender_cpu=%d receiver_cpu=%d\n", n, rounds,
         bytes, per_writev, nodelay, gap_ms, sender_cpu, receiver_cpu);
  printf("fan-out (first to last write) ms: p50 %.1f p99 %.1f max %.1f; per send %.2f us\n", pick(fanout_ms, rounds, 50),
         pick(fanout_ms, rounds, 99), fanout_ms[rounds - 1], pick(fanout_ms, rounds, 50) * 1000 / n);
  printf("first write -> receiver read the round's last byte ms: p50 %.1f p99 %.1f max %.1f\n", pick(arrival_ms, rounds, 50),
         pick(arrival_ms, rounds, 99), arrival_ms[rounds - 1]);
  printf("sender CPU per send: %.2f us user, %.2f us kernel (getrusage); short writes %ld\n", user / sends, sys / sends,
         short_writes);
  return 0;
}
