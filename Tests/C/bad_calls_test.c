/*
 * Calls a host should not make, each answered with its code and a message, never a crash (built against the
 * installed shared library, run under AddressSanitizer): NULL pointers, unknown settings, bad values, values
 * out of range, calls from a thread other than the loop's, calls in the wrong state, use after stop, a port in
 * use. The host's loop closes clean at the end, also after the start that failed.
 */
#include "test_support.h"

#include <uv.h>

static void null_arguments(void) {
  eureka_config *config = NULL;
  eureka_node *node = NULL;
  eureka_instance instance;
  eureka_counts counts;
  eureka_record *record;
  eureka_record_list *list;
  char *bytes;
  size_t length;
  int port;

  CHECK(strcmp(eureka_last_error(), "") == 0); /* nothing failed on this thread yet */
  CHECK_CODE(eureka_config_new(NULL), EUREKA_EINVAL);
  CHECK_MESSAGE("config is NULL");
  CHECK_CODE(eureka_config_set(NULL, "server.port", "1"), EUREKA_EINVAL);
  CHECK_CODE(eureka_config_free(NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_node_create(NULL, NULL, NULL), EUREKA_EINVAL);
  CHECK_MESSAGE("node is NULL");
  CHECK_CODE(eureka_instance_init(NULL), EUREKA_EINVAL);
  /* Every function taking a node refuses NULL. */
  CHECK_CODE(eureka_node_port(NULL, &port), EUREKA_EINVAL);
  CHECK_MESSAGE("node is NULL");
  CHECK_CODE(eureka_node_run(NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_node_stop(NULL, NULL, NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_node_post(NULL, NULL, NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_node_free(NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_node_set_event_callback(NULL, NULL, NULL), EUREKA_EINVAL);
  eureka_instance_init(&instance);
  CHECK_CODE(eureka_register(node, &instance), EUREKA_EINVAL);
  CHECK_CODE(eureka_renew(node, "A", "B"), EUREKA_EINVAL);
  CHECK_CODE(eureka_cancel(node, "A", "B"), EUREKA_EINVAL);
  CHECK_CODE(eureka_set_status_override(node, "A", "B", EUREKA_STATUS_UP), EUREKA_EINVAL);
  CHECK_CODE(eureka_remove_status_override(node, "A", "B", EUREKA_STATUS_UP), EUREKA_EINVAL);
  CHECK_CODE(eureka_get_counts(node, &counts), EUREKA_EINVAL);
  CHECK_CODE(eureka_get_instance(node, "A", "B", &record), EUREKA_EINVAL);
  CHECK_CODE(eureka_list_instances(node, EUREKA_SELECT_ALL, NULL, &list), EUREKA_EINVAL);
  CHECK_CODE(eureka_visit_instances(node, EUREKA_SELECT_ALL, NULL, NULL, NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_get_registry(node, EUREKA_FORMAT_JSON, &bytes, &length), EUREKA_EINVAL);
  eureka_free(NULL); /* like free(3) */
  (void)config;
}

static void settings(void) {
  eureka_config *config;
  CHECK_CODE(eureka_config_new(&config), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "server.prot", "8761"), EUREKA_EUNKNOWN_SETTING);
  CHECK_MESSAGE("unknown setting 'server.prot'");
  CHECK_CODE(eureka_config_set(config, "server.port", "eighty"), EUREKA_EBAD_VALUE);
  CHECK_MESSAGE("server.port");
  CHECK_MESSAGE("eighty");
  CHECK_CODE(eureka_config_set(config, "server.port", "70000"), EUREKA_EBAD_VALUE);
  CHECK_CODE(eureka_config_set(config, "eureka.server.enable-self-preservation", "maybe"), EUREKA_EBAD_VALUE);
  CHECK_MESSAGE("eureka.server.enable-self-preservation");
  CHECK_CODE(eureka_config_set(config, "eureka.client.service-url.defaultZone", "https://peer:8761/eureka/"),
             EUREKA_EBAD_VALUE);
  CHECK_MESSAGE("defaultZone");
  CHECK_CODE(eureka_config_set(config, "server.port", NULL), EUREKA_EINVAL);
  CHECK_MESSAGE("value is NULL");
  CHECK_CODE(eureka_config_set(config, NULL, "1"), EUREKA_EINVAL);
  CHECK_CODE(eureka_config_set(config, "eureka.server.evictionIntervalTimerInMs", "1000"), EUREKA_OK);
  CHECK_CODE(eureka_config_free(config), EUREKA_OK);
}

static void codes(void) {
  int code;
  for (code = EUREKA_ENOMEM; code <= EUREKA_OK; code++) {
    CHECK(eureka_strerror(code) != NULL && strcmp(eureka_strerror(code), "unknown error code") != 0);
  }
  CHECK(strcmp(eureka_strerror(-999), "unknown error code") == 0);
  CHECK(strcmp(eureka_strerror(EUREKA_EWRONG_THREAD), "called from a thread other than the node's loop thread") == 0);
}

typedef struct other_thread {
  eureka_node *node;
  int renew, register_, counts, callback, port_status, port;
  char message[256];
} other_thread;

static void *call_from_other_thread(void *arg) {
  other_thread *t = arg;
  eureka_instance instance;
  eureka_counts counts;
  eureka_instance_init(&instance);
  t->renew = eureka_renew(t->node, "BAD-APP", "bad-1");
  t->register_ = eureka_register(t->node, &instance);
  t->counts = eureka_get_counts(t->node, &counts);
  t->callback = eureka_node_set_event_callback(t->node, NULL, NULL);
  snprintf(t->message, sizeof t->message, "%s", eureka_last_error());
  t->port_status = eureka_node_port(t->node, &t->port); /* any thread */
  return NULL;
}

static void registrations(eureka_node *node) {
  eureka_instance instance;
  eureka_pair pairs[] = {{"ok", "yes"}, {NULL, "no key"}};
  eureka_record_list *list;
  char *bytes;
  size_t length;

  CHECK_CODE(eureka_register(node, NULL), EUREKA_EINVAL);
  CHECK_MESSAGE("instance is NULL");
  eureka_instance_init(&instance);
  instance.app = "BAD-APP";
  instance.instance_id = "bad-1";
  instance.ip_addr = "10.2.0.1";
  CHECK_CODE(eureka_register(node, &instance), EUREKA_EREJECTED); /* as HTTP's 400 */
  CHECK_MESSAGE("Missing hostname");
  instance.host_name = "bad-1.local";
  instance.status = (eureka_status)9;
  CHECK_CODE(eureka_register(node, &instance), EUREKA_EINVAL);
  CHECK_MESSAGE("status 9");
  instance.status = EUREKA_STATUS_UP;
  instance.port = 70000;
  CHECK_CODE(eureka_register(node, &instance), EUREKA_EINVAL);
  CHECK_MESSAGE("port 70000");
  instance.port = 80;
  instance.data_center = "Mars";
  CHECK_CODE(eureka_register(node, &instance), EUREKA_EINVAL);
  CHECK_MESSAGE("Mars");
  instance.data_center = "amazon"; /* case ignored */
  instance.metadata_count = 1;
  CHECK_CODE(eureka_register(node, &instance), EUREKA_EINVAL); /* count without pairs */
  instance.metadata = pairs;
  instance.metadata_count = 2;
  CHECK_CODE(eureka_register(node, &instance), EUREKA_EINVAL);
  CHECK_MESSAGE("metadata[1]");
  instance.metadata_count = 1;
  CHECK_CODE(eureka_register(node, &instance), EUREKA_OK);

  CHECK_CODE(eureka_renew(node, NULL, "bad-1"), EUREKA_EINVAL);
  CHECK_MESSAGE("app is NULL");
  CHECK_CODE(eureka_renew(node, "BAD-APP", NULL), EUREKA_EINVAL);
  CHECK_MESSAGE("instance_id is NULL");
  CHECK_CODE(eureka_set_status_override(node, "BAD-APP", "bad-1", (eureka_status)-1), EUREKA_EINVAL);
  CHECK_CODE(eureka_remove_status_override(node, "BAD-APP", "bad-1", (eureka_status)5), EUREKA_EINVAL);
  CHECK_CODE(eureka_set_status_override(node, "BAD-APP", "nobody", EUREKA_STATUS_DOWN), EUREKA_ENOT_FOUND);
  CHECK_CODE(eureka_list_instances(node, (eureka_selector)4, "x", &list), EUREKA_EINVAL);
  CHECK_CODE(eureka_list_instances(node, EUREKA_SELECT_VIP, NULL, &list), EUREKA_EINVAL);
  CHECK_CODE(eureka_list_instances(node, EUREKA_SELECT_ALL, NULL, NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_get_registry(node, (eureka_format)2, &bytes, &length), EUREKA_EINVAL);
  CHECK_CODE(eureka_get_registry(node, EUREKA_FORMAT_XML, NULL, &length), EUREKA_EINVAL);
  CHECK_CODE(eureka_node_post(node, NULL, NULL), EUREKA_EINVAL);
  CHECK_CODE(eureka_visit_instances(node, EUREKA_SELECT_ALL, NULL, NULL, NULL), EUREKA_EINVAL);
}

static void on_stopped(eureka_node *node, void *user_data) {
  (void)node;
  *(int *)user_data = 1;
}

static void never_called(eureka_node *node, void *user_data) {
  (void)node;
  (void)user_data;
  CHECK(0);
}

int main(void) {
  uv_loop_t loop;
  eureka_config *config;
  eureka_node *node = NULL, *second = NULL;
  other_thread other;
  pthread_t thread;
  char port_text[16];
  int port = 0, stopped = 0;
  eureka_counts counts;

  signal(SIGPIPE, SIG_IGN); /* the host's business, as for any libuv server */
  null_arguments();
  settings();
  codes();

  CHECK(uv_loop_init(&loop) == 0);
  CHECK_CODE(eureka_config_new(&config), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "server.port", "0"), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "server.address", "127.0.0.1"), EUREKA_OK);
  CHECK_CODE(eureka_node_create(config, &loop, &node), EUREKA_OK);
  if (node == NULL) return checks_summary("bad_calls_test");
  CHECK_CODE(eureka_node_port(node, &port), EUREKA_OK);
  CHECK_CODE(eureka_node_port(node, NULL), EUREKA_EINVAL);

  /* A second node on the same port: the start fails, naming why; what it opened closes on the next turn. */
  snprintf(port_text, sizeof port_text, "%d", port);
  CHECK_CODE(eureka_config_set(config, "server.port", port_text), EUREKA_OK);
  CHECK_CODE(eureka_node_create(config, &loop, &second), EUREKA_ESTART);
  CHECK_MESSAGE("address already in use");
  CHECK(second == NULL);
  CHECK_CODE(eureka_node_create(config, NULL, &second), EUREKA_ESTART); /* on a loop of its own: closed inside */
  CHECK(second == NULL);
  CHECK_CODE(eureka_config_free(config), EUREKA_OK);

  registrations(node);
  CHECK_CODE(eureka_node_run(node), EUREKA_ESTATE); /* the host runs its own loop */
  CHECK_MESSAGE("host's loop");
  CHECK_CODE(eureka_node_free(node), EUREKA_ESTATE); /* not stopped */
  CHECK_MESSAGE("eureka_node_stop");

  memset(&other, 0, sizeof other);
  other.node = node;
  CHECK(pthread_create(&thread, NULL, call_from_other_thread, &other) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK(other.renew == EUREKA_EWRONG_THREAD && other.register_ == EUREKA_EWRONG_THREAD);
  CHECK(other.counts == EUREKA_EWRONG_THREAD && other.callback == EUREKA_EWRONG_THREAD);
  CHECK(strstr(other.message, "loop thread") != NULL);
  CHECK(other.port_status == EUREKA_OK && other.port == port);
  /* The other thread's failures did not touch this thread's message. */
  CHECK_MESSAGE("eureka_node_stop");
  CHECK_CODE(eureka_get_counts(node, &counts), EUREKA_OK);
  CHECK(counts.instances == 1);

  CHECK_CODE(eureka_node_stop(node, on_stopped, &stopped), EUREKA_OK);
  CHECK_CODE(eureka_node_stop(node, on_stopped, &stopped), EUREKA_ESTOPPED);
  CHECK_CODE(eureka_renew(node, "BAD-APP", "bad-1"), EUREKA_ESTOPPED);
  CHECK_MESSAGE("stopping or stopped");
  CHECK_CODE(eureka_get_counts(node, &counts), EUREKA_ESTOPPED);
  CHECK_CODE(eureka_node_set_event_callback(node, NULL, NULL), EUREKA_ESTOPPED);
  CHECK_CODE(eureka_node_free(node), EUREKA_ESTATE); /* stopping, not stopped */
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(stopped);
  CHECK_CODE(eureka_node_post(node, never_called, NULL), EUREKA_ESTOPPED);
  CHECK_CODE(eureka_renew(node, "BAD-APP", "bad-1"), EUREKA_ESTOPPED);
  CHECK_CODE(eureka_node_free(node), EUREKA_OK);
  CHECK(uv_loop_close(&loop) == 0);
  return checks_summary("bad_calls_test");
}
