/* batches: send exactly K replication batches (POST /eureka/peerreplication/batch/), each of -b ITEMS (250)
   Heartbeat items, round-robin over the N preloaded instances: batch b renews instances (b * ITEMS + j) % N.
   Every answer must be 200 (the per-item results in the body are not read: check one batch separately). */
#include "loadgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int items = 250;

static int format_batch(const naming_t *nm, long b, char *out, size_t cap) {
  return format_heartbeat_batch(nm, b, items, out, cap);
}

int main(int argc, char **argv) {
  /* Take -b ITEMS out of the arguments; loadgen_main parses the rest. */
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  int n = 0;
  if (rest == NULL) return 1;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
      items = atoi(argv[++i]);
      if (items <= 0) {
        fprintf(stderr, "batches: -b needs a positive item count\n");
        return 2;
      }
    } else {
      rest[n++] = argv[i];
    }
  }
  return loadgen_main(n, rest, "batches", format_batch, 200);
}
