/*
 * A host that owns its libuv loop and attaches a node to it (built against the installed shared library
 * through pkg-config, run under AddressSanitizer). In order:
 *   in-process calls before the loop runs: register, renew, reads (counts, one instance, lists, a visit,
 *   JSON and XML documents), status override set and removed, and the events they fire;
 *   while the host's loop runs with a timer of the host's own: HTTP requests from another thread (reads of
 *   what was registered in process, a client registration, a peer's replicated registration), an instance
 *   whose lease expires and is evicted, a cancel;
 *   stop from the loop thread, the node freed in its stop callback, then uv_loop_close == 0.
 */
#include "test_support.h"

#include <uv.h>

#define MAX_EVENTS 32

typedef struct seen_event {
  int kind;
  int replicated;
  char app[64];
  char id[64];
  int status;
} seen_event;

typedef struct fixture {
  uv_loop_t loop;
  uv_timer_t timer;     /* the host's own handle, beside the node's; drives the phases */
  uv_async_t http_done; /* the HTTP thread's signal back to the loop thread */
  pthread_t http_thread;
  eureka_node *node;
  int port;
  int phase;
  uint64_t phase_deadline;
  int host_ticks;
  seen_event events[MAX_EVENTS];
  int event_count;
  int http_status[4];
  int http_found[4];
  int stopped;
} fixture;

static void on_event(const eureka_event *event, void *user_data) {
  fixture *f = user_data;
  seen_event *seen;
  if (f->event_count == MAX_EVENTS) return;
  seen = &f->events[f->event_count++];
  seen->kind = event->kind;
  seen->replicated = event->replicated;
  snprintf(seen->app, sizeof seen->app, "%s", event->record->instance.app);
  snprintf(seen->id, sizeof seen->id, "%s", event->record->instance.instance_id);
  seen->status = event->record->instance.status;
  /* A callback may call the node: a client registering as STARTING is put out of service at once. */
  if (event->kind == EUREKA_EVENT_REGISTERED && event->record->instance.status == EUREKA_STATUS_STARTING) {
    CHECK_CODE(eureka_set_status_override(f->node, seen->app, seen->id, EUREKA_STATUS_OUT_OF_SERVICE), EUREKA_OK);
    CHECK_CODE(eureka_node_free(f->node), EUREKA_ESTATE); /* never while it runs */
  }
}

/* The number of events of `kind` for `id` so far. */
static int events_of(const fixture *f, int kind, const char *id, int replicated) {
  int i, count = 0;
  for (i = 0; i < f->event_count; i++) {
    const seen_event *e = &f->events[i];
    if (e->kind == kind && strcmp(e->id, id) == 0 && e->replicated == replicated) count++;
  }
  return count;
}

static void in_process_calls(fixture *f) {
  eureka_instance instance;
  eureka_pair metadata[] = {{"zone", "a"}, {"weight", "7"}};
  eureka_record *record = NULL;
  eureka_record_list *list = NULL;
  eureka_counts counts;
  char *document = NULL;
  size_t length = 0;

  CHECK_CODE(eureka_instance_init(&instance), EUREKA_OK);
  CHECK(instance.status == EUREKA_STATUS_UP && instance.port == 7001 && instance.port_enabled == 1);
  CHECK(instance.secure_port == 7002 && instance.secure_port_enabled == 0 && instance.app == NULL);
  instance.app = "embed-app"; /* upper-cased, as over HTTP */
  instance.instance_id = "embed-1";
  instance.host_name = "embed-1.local";
  instance.ip_addr = "10.0.0.1";
  instance.port = 8080;
  instance.vip_address = "embed-vip,other-vip";
  instance.metadata = metadata;
  instance.metadata_count = 2;
  CHECK_CODE(eureka_register(f->node, &instance), EUREKA_OK);
  CHECK(events_of(f, EUREKA_EVENT_REGISTERED, "embed-1", 0) == 1);
  CHECK(f->event_count == 1 && strcmp(f->events[0].app, "EMBED-APP") == 0);
  instance.app = "SECOND-APP";
  instance.instance_id = "second-1";
  instance.vip_address = NULL;
  instance.metadata_count = 0;
  instance.status = EUREKA_STATUS_STARTING;
  CHECK_CODE(eureka_register(f->node, &instance), EUREKA_OK);
  CHECK(f->event_count == 3 && f->events[2].kind == EUREKA_EVENT_STATUS_CHANGED); /* from inside the callback */
  CHECK_CODE(eureka_remove_status_override(f->node, "SECOND-APP", "second-1", EUREKA_STATUS_UP), EUREKA_OK);
  CHECK(f->event_count == 4 && f->events[3].status == EUREKA_STATUS_UP);
  f->event_count = 1; /* the checks below count embed-1's events */

  CHECK_CODE(eureka_renew(f->node, "embed-app", "embed-1"), EUREKA_OK);
  CHECK_CODE(eureka_renew(f->node, "EMBED-APP", "nobody"), EUREKA_ENOT_FOUND);
  CHECK_MESSAGE("nobody");

  CHECK_CODE(eureka_get_counts(f->node, &counts), EUREKA_OK);
  CHECK(counts.applications == 2 && counts.instances == 2 && counts.up == 2 && counts.down == 0);

  CHECK_CODE(eureka_get_instance(f->node, "Embed-App", "embed-1", &record), EUREKA_OK);
  if (record != NULL) {
    CHECK(strcmp(record->instance.app, "EMBED-APP") == 0 && strcmp(record->instance.host_name, "embed-1.local") == 0);
    CHECK(record->instance.port == 8080 && record->instance.port_enabled == 1);
    CHECK(strcmp(record->instance.vip_address, "embed-vip,other-vip") == 0);
    CHECK(strcmp(record->instance.data_center, "MyOwn") == 0);
    CHECK(record->instance.metadata_count == 2 && strcmp(record->instance.metadata[1].key, "weight") == 0 &&
          strcmp(record->instance.metadata[1].value, "7") == 0);
    CHECK(record->instance.lease_duration_secs == 90 && record->instance.lease_renewal_interval_secs == 30);
    CHECK(record->registration_timestamp > 0 && record->last_dirty_timestamp > 0);
    CHECK(record->overridden_status == EUREKA_STATUS_UNKNOWN && record->eviction_timestamp == 0);
    CHECK(record->instance.home_page_url == NULL);
  }
  eureka_free(record);
  CHECK_CODE(eureka_get_instance(f->node, "EMBED-APP", "missing", &record), EUREKA_ENOT_FOUND);

  CHECK_CODE(eureka_list_instances(f->node, EUREKA_SELECT_ALL, NULL, &list), EUREKA_OK);
  CHECK(list != NULL && list->count == 2);
  if (list != NULL && list->count == 2) {
    CHECK(strcmp(list->records[0].instance.app, "EMBED-APP") == 0); /* applications by name */
    CHECK(strcmp(list->records[1].instance.instance_id, "second-1") == 0);
  }
  eureka_free(list);
  CHECK_CODE(eureka_list_instances(f->node, EUREKA_SELECT_VIP, "other-vip", &list), EUREKA_OK);
  CHECK(list != NULL && list->count == 1 && strcmp(list->records[0].instance.instance_id, "embed-1") == 0);
  eureka_free(list);
  CHECK_CODE(eureka_list_instances(f->node, EUREKA_SELECT_APP, "nothing-here", &list), EUREKA_OK);
  CHECK(list != NULL && list->count == 0 && list->records == NULL);
  eureka_free(list);

  CHECK_CODE(eureka_get_registry(f->node, EUREKA_FORMAT_JSON, &document, &length), EUREKA_OK);
  CHECK(document != NULL && length == strlen(document) && strstr(document, "\"instanceId\":\"embed-1\"") != NULL);
  eureka_free(document);
  CHECK_CODE(eureka_get_registry(f->node, EUREKA_FORMAT_XML, &document, &length), EUREKA_OK);
  CHECK(document != NULL && strncmp(document, "<applications>", 14) == 0 && strstr(document, "second-1") != NULL);
  eureka_free(document);

  CHECK_CODE(eureka_set_status_override(f->node, "EMBED-APP", "embed-1", EUREKA_STATUS_OUT_OF_SERVICE), EUREKA_OK);
  CHECK(events_of(f, EUREKA_EVENT_STATUS_CHANGED, "embed-1", 0) == 1);
  CHECK(f->events[f->event_count - 1].status == EUREKA_STATUS_OUT_OF_SERVICE);
  CHECK_CODE(eureka_get_instance(f->node, "EMBED-APP", "embed-1", &record), EUREKA_OK);
  CHECK(record != NULL && record->instance.status == EUREKA_STATUS_OUT_OF_SERVICE &&
        record->overridden_status == EUREKA_STATUS_OUT_OF_SERVICE);
  eureka_free(record);
  CHECK_CODE(eureka_remove_status_override(f->node, "EMBED-APP", "embed-1", EUREKA_STATUS_UP), EUREKA_OK);
  CHECK(events_of(f, EUREKA_EVENT_STATUS_CHANGED, "embed-1", 0) == 2);
  CHECK(f->events[f->event_count - 1].status == EUREKA_STATUS_UP);
  /* Nothing to remove: no change, no event. */
  CHECK_CODE(eureka_remove_status_override(f->node, "EMBED-APP", "embed-1", EUREKA_STATUS_UP), EUREKA_OK);
  CHECK(events_of(f, EUREKA_EVENT_STATUS_CHANGED, "embed-1", 0) == 2);
}

typedef struct visit_state {
  int seen;
  int stop_after;
} visit_state;

static int visit_one(const eureka_record *record, void *user_data) {
  visit_state *state = user_data;
  CHECK(record->instance.instance_id != NULL);
  return ++state->seen >= state->stop_after;
}

static void visits(fixture *f) {
  visit_state all = {0, 100}, first = {0, 1};
  CHECK_CODE(eureka_visit_instances(f->node, EUREKA_SELECT_ALL, NULL, visit_one, &all), EUREKA_OK);
  CHECK(all.seen == 2);
  CHECK_CODE(eureka_visit_instances(f->node, EUREKA_SELECT_ALL, NULL, visit_one, &first), EUREKA_OK);
  CHECK(first.seen == 1); /* a non-zero return stops the visit */
}

static int contains(const char *text, const char *part) { return strstr(text, part) != NULL; }

/* Runs on a thread of its own: the loop thread keeps serving meanwhile. */
static void *http_requests(void *arg) {
  fixture *f = arg;
  static char response[65536];
  const char *json = "Accept: application/json\r\n";
  const char *register_body =
      "{\"instance\":{\"instanceId\":\"%s\",\"hostName\":\"%s.local\",\"app\":\"%s\",\"ipAddr\":\"127.0.0.2\","
      "\"status\":\"UP\",\"port\":{\"$\":9090,\"@enabled\":\"true\"},\"dataCenterInfo\":{\"@class\":"
      "\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\",\"name\":\"MyOwn\"}}}";
  char body[1024];

  f->http_status[0] = http_exchange(f->port, "GET", "/eureka/apps/EMBED-APP/embed-1", json, NULL, response, sizeof response);
  f->http_found[0] = contains(response, "embed-1.local");
  snprintf(body, sizeof body, register_body, "http-1", "http-1", "HTTP-APP");
  f->http_status[1] = http_exchange(f->port, "POST", "/eureka/apps/HTTP-APP", "Content-Type: application/json\r\n",
                                    body, response, sizeof response);
  snprintf(body, sizeof body, register_body, "peer-1", "peer-1", "PEER-APP");
  f->http_status[2] = http_exchange(f->port, "POST", "/eureka/apps/PEER-APP",
                                    "Content-Type: application/json\r\nx-netflix-discovery-replication: true\r\n", body,
                                    response, sizeof response);
  f->http_status[3] = http_exchange(f->port, "GET", "/eureka/apps", json, NULL, response, sizeof response);
  f->http_found[3] = contains(response, "EMBED-APP") && contains(response, "HTTP-APP") && contains(response, "PEER-APP");
  uv_async_send(&f->http_done);
  return NULL;
}

static void on_http_done(uv_async_t *async) {
  fixture *f = async->data;
  pthread_join(f->http_thread, NULL);
  CHECK(f->http_status[0] == 200 && f->http_found[0]); /* registered in process, read over HTTP */
  CHECK(f->http_status[1] == 204 && f->http_status[2] == 204);
  CHECK(f->http_status[3] == 200 && f->http_found[3]);
  CHECK(events_of(f, EUREKA_EVENT_REGISTERED, "http-1", 0) == 1); /* a client's */
  CHECK(events_of(f, EUREKA_EVENT_REGISTERED, "peer-1", 1) == 1); /* replicated in */
  f->phase = 2;
}

static void on_stopped(eureka_node *node, void *user_data) {
  fixture *f = user_data;
  CHECK(node == f->node);
  CHECK_CODE(eureka_node_free(node), EUREKA_OK); /* allowed in the callback on a host loop */
  f->node = NULL;
  f->stopped = 1;
  uv_close((uv_handle_t *)&f->timer, NULL);
  uv_close((uv_handle_t *)&f->http_done, NULL);
}

static void expire_and_stop(fixture *f) {
  eureka_instance instance;
  eureka_counts counts;
  switch (f->phase) {
    case 2: /* a lease of one second, not renewed: eviction (every 100 ms) removes it */
      eureka_instance_init(&instance);
      instance.app = "SHORT-APP";
      instance.instance_id = "short-1";
      instance.host_name = "short-1.local";
      instance.ip_addr = "10.0.0.3";
      instance.lease_duration_secs = 1;
      CHECK_CODE(eureka_register(f->node, &instance), EUREKA_OK);
      f->phase_deadline = uv_now(&f->loop) + 10000;
      f->phase = 3;
      break;
    case 3:
      if (events_of(f, EUREKA_EVENT_EXPIRED, "short-1", 0) == 0 && uv_now(&f->loop) < f->phase_deadline) break;
      CHECK(events_of(f, EUREKA_EVENT_EXPIRED, "short-1", 0) == 1);
      CHECK_CODE(eureka_cancel(f->node, "embed-app", "embed-1"), EUREKA_OK);
      CHECK(events_of(f, EUREKA_EVENT_CANCELLED, "embed-1", 0) == 1);
      CHECK_CODE(eureka_cancel(f->node, "embed-app", "embed-1"), EUREKA_ENOT_FOUND);
      CHECK_CODE(eureka_get_counts(f->node, &counts), EUREKA_OK);
      CHECK(counts.instances == 3); /* second-1, http-1, peer-1 */
      CHECK_CODE(eureka_node_stop(f->node, on_stopped, f), EUREKA_OK);
      CHECK_CODE(eureka_renew(f->node, "SECOND-APP", "second-1"), EUREKA_ESTOPPED); /* use after stop */
      f->phase = 4;
      break;
  }
}

static void on_tick(uv_timer_t *timer) {
  fixture *f = timer->data;
  f->host_ticks++;
  if (f->phase == 0) {
    f->phase = 1;
    CHECK(pthread_create(&f->http_thread, NULL, http_requests, f) == 0);
  } else if (f->phase >= 2) {
    expire_and_stop(f);
  }
}

int main(void) {
  fixture f;
  eureka_config *config;
  memset(&f, 0, sizeof f);
  signal(SIGPIPE, SIG_IGN); /* the host's business, as for any libuv server */
  CHECK(eureka_version() == EUREKA_VERSION_HEX);
  CHECK(uv_loop_init(&f.loop) == 0);

  CHECK_CODE(eureka_config_new(&config), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "server.port", "0"), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "server.address", "127.0.0.1"), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "eureka.server.eviction-interval-timer-in-ms", "100"), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "eureka.server.enableSelfPreservation", "false"), EUREKA_OK); /* camelCase too */
  CHECK_CODE(eureka_config_set(config, "eureka.node.exact-lease-expiry", "true"), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "eureka.server.use-read-only-response-cache", "false"), EUREKA_OK);
  CHECK_CODE(eureka_node_create(config, &f.loop, &f.node), EUREKA_OK);
  CHECK_CODE(eureka_config_free(config), EUREKA_OK);
  if (f.node == NULL) return checks_summary("embed_test");
  CHECK_CODE(eureka_node_port(f.node, &f.port), EUREKA_OK);
  CHECK(f.port > 0);
  CHECK_CODE(eureka_node_set_event_callback(f.node, on_event, &f), EUREKA_OK);

  in_process_calls(&f);
  visits(&f);

  f.timer.data = &f;
  f.http_done.data = &f;
  CHECK(uv_timer_init(&f.loop, &f.timer) == 0);
  CHECK(uv_async_init(&f.loop, &f.http_done, on_http_done) == 0);
  uv_timer_start(&f.timer, on_tick, 10, 10);
  uv_run(&f.loop, UV_RUN_DEFAULT);

  CHECK(f.stopped && f.phase == 4);
  CHECK(f.host_ticks > 10); /* the host's own timer ran beside the node */
  CHECK(uv_loop_close(&f.loop) == 0);
  return checks_summary("embed_test");
}
