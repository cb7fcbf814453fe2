/*
 * A small load generator with an exact request count: C keep-alive connections on one thread, each with up to D
 * requests pipelined, answers parsed with http_parser and every status checked. wrk is time-bounded and keeps no
 * per-status record; preloading a registry and counting instructions per request need "exactly K, all answered
 * with the expected status" instead.
 */
#ifndef BENCH_LOADGEN_H
#define BENCH_LOADGEN_H

#include "instance.h"

typedef int (*format_fn)(const naming_t *nm, long i, char *out, size_t cap);

/* Parses the common options (run with -? for the list), sends the requests and returns the exit status:
   0 when every answer had the expected status, 1 otherwise, 2 on a usage error. */
int loadgen_main(int argc, char **argv, const char *name, format_fn format, int default_expect);

#endif
