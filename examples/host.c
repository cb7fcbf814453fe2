/*
 * A host program with a libuv loop of its own and a Eureka registry node attached to it.
 *
 * The host registers an instance in process, renews it from its own timer, prints every registry change
 * (its own and those of HTTP clients), then cancels it, stops the node and closes its loop.
 *
 *   cc -std=c99 host.c -o host $(pkg-config --cflags --libs eureka-server)
 *   ./host [port [seconds]]      (port 0: any free port; while it runs, try
 *                                 curl -H 'Accept: application/json' localhost:PORT/eureka/apps)
 */
#define _POSIX_C_SOURCE 200809L /* uv.h needs POSIX types under -std=c99 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <eureka_server.h>
#include <uv.h>

typedef struct host {
  uv_loop_t loop;
  uv_timer_t timer;
  eureka_node *node;
  int ticks_left;
} host;

/* Every failure says which call, its code's text, and the message naming what was wrong. */
static void must(int rc, const char *call) {
  if (rc != EUREKA_OK) {
    fprintf(stderr, "%s: %s: %s\n", call, eureka_strerror(rc), eureka_last_error());
    exit(1);
  }
}

static void on_change(const eureka_event *event, void *user_data) {
  static const char *const kinds[] = {"?", "registered", "cancelled", "expired", "status changed"};
  static const char *const statuses[] = {"UP", "DOWN", "STARTING", "OUT_OF_SERVICE", "UNKNOWN"};
  const eureka_instance *instance = &event->record->instance;
  (void)user_data;
  printf("event: %-14s %s/%s %s%s\n", kinds[event->kind], instance->app, instance->instance_id,
         statuses[instance->status], event->replicated ? " (from a peer)" : "");
}

static void on_node_stopped(eureka_node *node, void *user_data) {
  host *h = user_data;
  must(eureka_node_free(node), "eureka_node_free");
  h->node = NULL;
  printf("node stopped\n");
}

static void on_tick(uv_timer_t *timer) {
  host *h = timer->data;
  eureka_counts counts;
  if (--h->ticks_left > 0) {
    must(eureka_renew(h->node, "example-service", "example-1"), "eureka_renew");
    return;
  }
  must(eureka_get_counts(h->node, &counts), "eureka_get_counts");
  printf("registry: %zu application(s), %zu instance(s), %zu up\n", counts.applications, counts.instances, counts.up);
  must(eureka_cancel(h->node, "example-service", "example-1"), "eureka_cancel");
  must(eureka_node_stop(h->node, on_node_stopped, h), "eureka_node_stop");
  uv_close((uv_handle_t *)timer, NULL);
}

int main(int argc, char **argv) {
  const char *port = argc > 1 ? argv[1] : "0";
  double seconds = argc > 2 ? atof(argv[2]) : 0.5;
  eureka_config *config;
  eureka_instance instance;
  eureka_pair metadata[] = {{"zone", "local"}, {"owner", "host.c"}};
  host h = {0};
  int listening;

  if ((eureka_version() >> 16) != EUREKA_VERSION_MAJOR) {
    fprintf(stderr, "libeureka-server %x does not match eureka_server.h %s\n", eureka_version(), EUREKA_VERSION_STRING);
    return 1;
  }
  signal(SIGPIPE, SIG_IGN); /* a client closing early must not kill the host (the library leaves signals alone) */
  uv_loop_init(&h.loop);

  must(eureka_config_new(&config), "eureka_config_new");
  must(eureka_config_set(config, "server.port", port), "server.port");
  must(eureka_config_set(config, "server.address", "127.0.0.1"), "server.address");
  must(eureka_config_set(config, "eureka.node.immediate-cache-propagation", "true"), "immediate-cache-propagation");
  must(eureka_node_create(config, &h.loop, &h.node), "eureka_node_create");
  must(eureka_config_free(config), "eureka_config_free");
  must(eureka_node_port(h.node, &listening), "eureka_node_port");
  printf("registry node listening on 127.0.0.1 port %d\n", listening);
  must(eureka_node_set_event_callback(h.node, on_change, &h), "eureka_node_set_event_callback");

  must(eureka_instance_init(&instance), "eureka_instance_init");
  instance.app = "example-service";
  instance.instance_id = "example-1";
  instance.host_name = "example.local";
  instance.ip_addr = "127.0.0.1";
  instance.port = 8080;
  instance.vip_address = "example-service";
  instance.metadata = metadata;
  instance.metadata_count = 2;
  must(eureka_register(h.node, &instance), "eureka_register");

  /* The host's own handle, beside the node's: every 100 ms, a renewal; at the end, cancel and stop. */
  h.ticks_left = (int)(seconds * 10) > 1 ? (int)(seconds * 10) : 1;
  h.timer.data = &h;
  uv_timer_init(&h.loop, &h.timer);
  uv_timer_start(&h.timer, on_tick, 100, 100);

  uv_run(&h.loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&h.loop) != 0) {
    fprintf(stderr, "uv_loop_close: handles left on the loop\n");
    return 1;
  }
  printf("loop closed\n");
  return 0;
}
