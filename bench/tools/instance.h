/*
 * The benchmark's synthetic instances: one naming scheme and one body shape, shared by the preload tool and the
 * heartbeat client. bench/lua/common.lua implements the same scheme for wrk; bench/check.sh proves the two agree
 * byte for byte, because a heartbeat for an id the preload never registered is a 404, not a benchmark.
 *
 * Instance i of n, spread over m apps (a = i % m), with prefix p (default "bench"):
 *   app         P-APP-a              (the prefix upper-cased)
 *   hostName    p-i
 *   instanceId  p-i:p-app-a:8080     (Spring's host:app:port shape)
 *   ipAddr      10.x.y.z             (i in the low 24 bits)
 */
#ifndef BENCH_INSTANCE_H
#define BENCH_INSTANCE_H

#include <stddef.h>

typedef struct {
  const char *prefix;         /* lower-case word, e.g. "bench" */
  long apps;                  /* m */
  const char *dirty_ts;       /* lastDirtyTimestamp, decimal ms, the same for every instance */
  const char *host_header;    /* "127.0.0.1:PORT" */
  long instances;             /* n, for requests that name several instances (tools/batches.c) */
  const char *auth_line;      /* "Authorization: ...\r\n" (option -a) or "": sent on client requests */
} naming_t;

/* Each writes one complete HTTP/1.1 request for instance i into out (at most cap bytes) and returns its length,
   or -1 if it does not fit. */
int format_register(const naming_t *nm, long i, char *out, size_t cap);
int format_heartbeat(const naming_t *nm, long i, char *out, size_t cap);
int format_status(const naming_t *nm, long i, char *out, size_t cap);

/* A peer replication batch (spec 7.4) as a replicating node sends it: POST /eureka/peerreplication/batch/ with
   `items` Heartbeat items for instances (b * items + j) % nm->instances, j = 0 .. items - 1, each with status UP
   and the preload's lastDirtyTimestamp, so a node holding the preloaded instances answers 200 to every item. */
int format_heartbeat_batch(const naming_t *nm, long b, int items, char *out, size_t cap);

#endif
