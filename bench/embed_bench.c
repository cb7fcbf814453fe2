/*
 * In-process figures of the C embedding API (bench/embed.sh builds and runs this against the installed library):
 *   - renewals per second through eureka_renew on the loop thread, round-robin over the registered instances
 *     (ids shaped like the HTTP benchmark's, bench/tools/instance.c), without and with an event callback set;
 *   - the cost of one full-registry read at INSTANCES instances: eureka_get_registry (JSON and XML documents),
 *     eureka_list_instances (a copy of every record) and eureka_visit_instances (a callback per record).
 * Each figure is the median of ROUNDS rounds, timed twice: by the wall clock and by the thread's CPU clock. On a
 * shared machine the CPU figure is the one that says what the code costs (a preempted round only stretches the
 * wall-clock one). The node is attached to a host loop that is never run: in-process calls need no loop turn.
 *
 * usage: embed_bench [INSTANCES [RENEWALS_PER_ROUND [ROUNDS [READS_PER_ROUND]]]]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <eureka_server.h>
#include <uv.h>

#define APPS 100
#define MAX_ROUNDS 31

typedef struct names {
  char app[32];
  char id[96];
} names;

typedef struct instant {
  double wall;
  double cpu;
} instant;

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static instant now(void) {
  instant i;
  i.wall = seconds(CLOCK_MONOTONIC);
  i.cpu = seconds(CLOCK_THREAD_CPUTIME_ID);
  return i;
}

/* Wall and CPU seconds since `start`. */
static instant since(instant start) {
  instant end = now();
  end.wall -= start.wall;
  end.cpu -= start.cpu;
  return end;
}

static void must(int rc, const char *call) {
  if (rc != EUREKA_OK) {
    fprintf(stderr, "%s: %s: %s\n", call, eureka_strerror(rc), eureka_last_error());
    exit(1);
  }
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *values, int count) {
  qsort(values, (size_t)count, sizeof *values, compare_doubles);
  return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static void register_all(eureka_node *node, names *all, long count) {
  static const eureka_pair metadata[] = {
      {"management.port", "8080"}, {"zone", "zone-a"}, {"version", "1.4.2"}, {"git.commit", "3f9c2a1b7e5d"},
      {"startup", "2024-11-24T09:20:00Z"}, {"instance.group", "default"}, {"profile", "production"},
      {"region", "eu-west-1"}, {"build.time", "2024-11-20T17:03:11Z"}, {"prometheus.scrape", "true"}};
  char host[32], vip[32], home[96], status_page[96], health[96];
  long i;
  eureka_instance instance;
  for (i = 0; i < count; i++) {
    long app = i % APPS;
    snprintf(all[i].app, sizeof all[i].app, "BENCH-APP-%ld", app);
    snprintf(vip, sizeof vip, "bench-app-%ld", app);
    snprintf(host, sizeof host, "bench-%ld", i);
    snprintf(all[i].id, sizeof all[i].id, "%s:%s:8080", host, vip);
    snprintf(home, sizeof home, "http://%s:8080/", host);
    snprintf(status_page, sizeof status_page, "http://%s:8080/actuator/info", host);
    snprintf(health, sizeof health, "http://%s:8080/actuator/health", host);
    eureka_instance_init(&instance);
    instance.app = all[i].app;
    instance.instance_id = all[i].id;
    instance.host_name = host;
    instance.ip_addr = "10.0.0.1";
    instance.port = 8080;
    instance.secure_port = 443;
    instance.vip_address = vip;
    instance.secure_vip_address = vip;
    instance.home_page_url = home;
    instance.status_page_url = status_page;
    instance.health_check_url = health;
    instance.metadata = metadata;
    instance.metadata_count = sizeof metadata / sizeof metadata[0];
    must(eureka_register(node, &instance), "eureka_register");
  }
}

/* Renewals per wall-clock and per CPU second, medians of `rounds`. */
static instant renewals_per_second(eureka_node *node, const names *all, long count, long per_round, int rounds) {
  double wall[MAX_ROUNDS], cpu[MAX_ROUNDS];
  instant rate;
  int round;
  for (round = 0; round < rounds; round++) {
    long i, next = 0;
    instant start = now(), elapsed;
    for (i = 0; i < per_round; i++) {
      if (eureka_renew(node, all[next].app, all[next].id) != EUREKA_OK) must(EUREKA_ENOT_FOUND, "eureka_renew");
      if (++next == count) next = 0;
    }
    elapsed = since(start);
    wall[round] = (double)per_round / elapsed.wall;
    cpu[round] = (double)per_round / elapsed.cpu;
  }
  rate.wall = median(wall, rounds);
  rate.cpu = median(cpu, rounds);
  return rate;
}

static int count_record(const eureka_record *record, void *user_data) {
  *(long *)user_data += record->instance.port;
  return 0;
}

static void on_event(const eureka_event *event, void *user_data) {
  (void)event;
  ++*(long *)user_data;
}

static void on_stopped(eureka_node *node, void *user_data) {
  (void)node;
  *(int *)user_data = 1;
}

typedef enum read_kind { READ_JSON, READ_XML, READ_LIST, READ_VISIT } read_kind;

/* Wall and CPU milliseconds per read (medians of rounds of `reads` reads) and the document's size. */
static instant read_cost(eureka_node *node, read_kind kind, int reads, int rounds, size_t *bytes) {
  double wall[MAX_ROUNDS], cpu[MAX_ROUNDS];
  instant cost, elapsed;
  int round, i;
  for (round = 0; round < rounds; round++) {
    instant start = now();
    for (i = 0; i < reads; i++) {
      char *document;
      size_t length;
      eureka_record_list *list;
      long sum = 0;
      switch (kind) {
        case READ_JSON:
        case READ_XML:
          must(eureka_get_registry(node, kind == READ_JSON ? EUREKA_FORMAT_JSON : EUREKA_FORMAT_XML, &document, &length),
               "eureka_get_registry");
          *bytes = length;
          eureka_free(document);
          break;
        case READ_LIST:
          must(eureka_list_instances(node, EUREKA_SELECT_ALL, NULL, &list), "eureka_list_instances");
          *bytes = list->count;
          eureka_free(list);
          break;
        case READ_VISIT:
          must(eureka_visit_instances(node, EUREKA_SELECT_ALL, NULL, count_record, &sum), "eureka_visit_instances");
          *bytes = (size_t)(sum / 8080);
          break;
      }
    }
    elapsed = since(start);
    wall[round] = elapsed.wall * 1000 / reads;
    cpu[round] = elapsed.cpu * 1000 / reads;
  }
  cost.wall = median(wall, rounds);
  cost.cpu = median(cpu, rounds);
  return cost;
}

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 10000;
  long per_round = argc > 2 ? atol(argv[2]) : 5000000;
  int rounds = argc > 3 ? atoi(argv[3]) : 5;
  int reads = argc > 4 ? atoi(argv[4]) : 20;
  static const char *const read_names[] = {"eureka_get_registry JSON", "eureka_get_registry XML",
                                           "eureka_list_instances (copy)", "eureka_visit_instances"};
  uv_loop_t loop;
  eureka_config *config;
  eureka_node *node;
  names *all = calloc((size_t)count, sizeof *all);
  long events = 0;
  instant rate;
  int kind, stopped = 0;
  size_t size = 0;

  if (all == NULL || count < 1 || per_round < 1 || rounds < 1 || rounds > MAX_ROUNDS || reads < 1) return 2;
  uv_loop_init(&loop);
  must(eureka_config_new(&config), "eureka_config_new");
  must(eureka_config_set(config, "server.port", "0"), "server.port");
  must(eureka_config_set(config, "server.address", "127.0.0.1"), "server.address");
  must(eureka_node_create(config, &loop, &node), "eureka_node_create");
  eureka_config_free(config);
  register_all(node, all, count);

  printf("instances: %ld (%d applications, 10 metadata entries each), rounds: %d\n", count, APPS, rounds);
  printf("%-32s %15s %15s %8s\n", "renewals", "per CPU second", "per wall second", "CPU ns");
  rate = renewals_per_second(node, all, count, per_round, rounds);
  printf("%-32s %15.0f %15.0f %8.0f   (%ld renewals per round)\n", "eureka_renew", rate.cpu, rate.wall,
         1e9 / rate.cpu, per_round);
  must(eureka_node_set_event_callback(node, on_event, &events), "eureka_node_set_event_callback");
  rate = renewals_per_second(node, all, count, per_round, rounds);
  printf("%-32s %15.0f %15.0f %8.0f   (%ld events: renewals are not changes)\n",
         "eureka_renew, event callback set", rate.cpu, rate.wall, 1e9 / rate.cpu, events);
  printf("\n%-32s %15s %15s\n", "one full-registry read", "CPU ms", "wall ms");
  for (kind = READ_JSON; kind <= READ_VISIT; kind++) {
    instant ms = read_cost(node, (read_kind)kind, reads, rounds, &size);
    printf("%-32s %15.2f %15.2f   (%zu %s; %d reads per round)\n", read_names[kind], ms.cpu, ms.wall, size,
           kind <= READ_XML ? "bytes" : "records", reads);
  }

  must(eureka_node_stop(node, on_stopped, &stopped), "eureka_node_stop");
  while (!stopped) uv_run(&loop, UV_RUN_ONCE);
  must(eureka_node_free(node), "eureka_node_free");
  free(all);
  return uv_loop_close(&loop) == 0 ? 0 : 1;
}
