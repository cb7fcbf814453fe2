/*
 * A node on a loop of its own, run by a thread the host starts (built against the installed static library
 * through pkg-config, run under AddressSanitizer). The creating thread makes in-process calls until the run
 * starts; then it is another thread: its calls get EUREKA_EWRONG_THREAD, it reaches the loop thread with
 * eureka_node_post, the node over HTTP, and it stops the node (through the node's uv_async_t).
 */
#include "test_support.h"

typedef struct shared {
  eureka_node *node;
  int port;
  int run_status;
  pthread_t loop_thread;
  latch running;       /* a posted call ran on the loop thread */
  latch registered;    /* the posted registration is done */
  latch stopped;       /* the stop callback ran */
  int posted_status;
  int posted_on_loop_thread;
  int stopped_on_loop_thread;
} shared;

static void *run_node(void *arg) {
  shared *s = arg;
  s->run_status = eureka_node_run(s->node);
  return NULL;
}

static void note_running(eureka_node *node, void *user_data) {
  shared *s = user_data;
  (void)node;
  s->posted_on_loop_thread = pthread_equal(pthread_self(), s->loop_thread);
  latch_open(&s->running);
}

static void register_on_loop(eureka_node *node, void *user_data) {
  shared *s = user_data;
  eureka_instance instance;
  eureka_instance_init(&instance);
  instance.app = "THREAD-APP";
  instance.instance_id = "thread-1";
  instance.host_name = "thread-1.local";
  instance.ip_addr = "10.1.0.1";
  s->posted_status = eureka_register(node, &instance);
  if (s->posted_status == EUREKA_OK) s->posted_status = eureka_renew(node, "THREAD-APP", "thread-1");
  latch_open(&s->registered);
}

static void on_stopped(eureka_node *node, void *user_data) {
  shared *s = user_data;
  (void)node;
  s->stopped_on_loop_thread = pthread_equal(pthread_self(), s->loop_thread);
  /* A node on its own loop cannot be freed while eureka_node_run is still on the stack. */
  CHECK_CODE(eureka_node_free(node), EUREKA_ESTATE);
  latch_open(&s->stopped);
}

int main(void) {
  shared s;
  eureka_config *config;
  eureka_instance instance;
  eureka_counts counts;
  static char response[16384];
  memset(&s, 0, sizeof s);
  signal(SIGPIPE, SIG_IGN); /* the host's business, as for any libuv server */
  latch_init(&s.running);
  latch_init(&s.registered);
  latch_init(&s.stopped);

  CHECK_CODE(eureka_config_new(&config), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "server.port", "0"), EUREKA_OK);
  CHECK_CODE(eureka_config_set(config, "server.address", "127.0.0.1"), EUREKA_OK);
  CHECK_CODE(eureka_node_create(config, NULL, &s.node), EUREKA_OK);
  CHECK_CODE(eureka_config_free(config), EUREKA_OK);
  if (s.node == NULL) return checks_summary("own_loop_test");
  CHECK_CODE(eureka_node_port(s.node, &s.port), EUREKA_OK);

  /* Before the run the creating thread is the loop thread. */
  eureka_instance_init(&instance);
  instance.app = "EARLY-APP";
  instance.host_name = "early.local"; /* no instance_id: the host name is the id */
  instance.ip_addr = "10.1.0.2";
  CHECK_CODE(eureka_register(s.node, &instance), EUREKA_OK);
  CHECK_CODE(eureka_renew(s.node, "EARLY-APP", "early.local"), EUREKA_OK);

  CHECK(pthread_create(&s.loop_thread, NULL, run_node, &s) == 0);
  CHECK_CODE(eureka_node_post(s.node, note_running, &s), EUREKA_OK);
  latch_wait(&s.running);
  CHECK(s.posted_on_loop_thread);

  /* Now this thread is not the loop thread. */
  CHECK_CODE(eureka_renew(s.node, "EARLY-APP", "early.local"), EUREKA_EWRONG_THREAD);
  CHECK_CODE(eureka_get_counts(s.node, &counts), EUREKA_EWRONG_THREAD);
  CHECK_CODE(eureka_node_run(s.node), EUREKA_ESTATE); /* one run */

  CHECK_CODE(eureka_node_post(s.node, register_on_loop, &s), EUREKA_OK);
  latch_wait(&s.registered);
  CHECK_CODE(s.posted_status, EUREKA_OK);

  CHECK(http_exchange(s.port, "GET", "/eureka/apps/THREAD-APP/thread-1", "Accept: application/json\r\n", NULL,
                      response, sizeof response) == 200);
  CHECK(strstr(response, "thread-1.local") != NULL);
  CHECK(http_exchange(s.port, "GET", "/eureka/apps/EARLY-APP/early.local", NULL, NULL, response, sizeof response) == 200);

  CHECK_CODE(eureka_node_stop(s.node, on_stopped, &s), EUREKA_OK); /* from this thread: through uv_async */
  CHECK_CODE(eureka_node_stop(s.node, on_stopped, &s), EUREKA_ESTOPPED);
  latch_wait(&s.stopped);
  CHECK(pthread_join(s.loop_thread, NULL) == 0);
  CHECK_CODE(s.run_status, EUREKA_OK);
  CHECK(s.stopped_on_loop_thread);
  CHECK_CODE(eureka_node_post(s.node, note_running, &s), EUREKA_ESTOPPED);
  CHECK_CODE(eureka_node_free(s.node), EUREKA_OK);

  latch_destroy(&s.running);
  latch_destroy(&s.registered);
  latch_destroy(&s.stopped);
  return checks_summary("own_loop_test");
}
