/*
 * eureka_server.h: a Eureka service registry node inside a C program.
 *
 * The node is the same server as the eureka-server command (HTTP API, response cache, peer replication),
 * run on a libuv loop: either the host's own uv_loop_t, beside the host's handles, or a loop the node makes
 * and runs on a thread the host gives it. Besides HTTP, the host calls the registry in process (register,
 * renew, cancel, status overrides, reads) and gets a callback for every change.
 *
 * C99. Link: `cc host.c $(pkg-config --cflags --libs eureka-server)` (shared library, and libuv), or
 * `$(pkg-config --cflags --libs eureka-server-static)` for the static one. Only `eureka_*` symbols are
 * exported; the Swift runtime is linked inside the library.
 *
 * Conventions (libuv's):
 *  - Every function that can fail returns an int: EUREKA_OK (0) or a negative EUREKA_E* code. The text of
 *    a code is eureka_strerror(code); eureka_last_error() describes the last failure on the calling thread.
 *    No error, exception or trap of the implementation crosses this interface; a NULL pointer or an
 *    out-of-range value is an EUREKA_EINVAL, never a crash.
 *  - Threads. A node belongs to one loop thread: the thread that called eureka_node_create with a host loop
 *    (it must be the thread that runs that loop), or, for a node on its own loop, the thread that created
 *    it until eureka_node_run is called, then the thread running it. Functions marked "loop thread" return
 *    EUREKA_EWRONG_THREAD from any other thread and change nothing. Functions marked "any thread" may be
 *    called from any thread, concurrently.
 *  - Memory. Pointers passed in are read during the call only (copied when kept). Memory the library
 *    returns is released with eureka_free() unless stated otherwise. Opaque objects (eureka_config,
 *    eureka_node) are released with their own _free function.
 *  - Callbacks run on the loop thread. They may call the in-process functions of the same node.
 *  - Signals are the host's: the library changes no disposition. Like any program writing to sockets with
 *    libuv, a host should ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)), or a client that closes early kills it.
 */
#ifndef EUREKA_SERVER_H
#define EUREKA_SERVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ------------------------------------------------------------------------------------ */

#define EUREKA_VERSION_MAJOR 0
#define EUREKA_VERSION_MINOR 1
#define EUREKA_VERSION_PATCH 0
/* 0xMMmmpp: compare with eureka_version() to check the library loaded is the one compiled against. */
#define EUREKA_VERSION_HEX ((EUREKA_VERSION_MAJOR << 16) | (EUREKA_VERSION_MINOR << 8) | EUREKA_VERSION_PATCH)
#define EUREKA_VERSION_STRING "0.1.0"

/* The library's EUREKA_VERSION_HEX. Any thread. Same major version: same ABI. */
unsigned int eureka_version(void);

/* ---- errors ------------------------------------------------------------------------------------- */

typedef enum eureka_code {
  EUREKA_OK = 0,
  EUREKA_EINVAL = -1,           /* a NULL pointer, or a value out of its range */
  EUREKA_EUNKNOWN_SETTING = -2, /* eureka_config_set: no setting of that name */
  EUREKA_EBAD_VALUE = -3,       /* eureka_config_set: the value does not parse or cannot be used */
  EUREKA_EWRONG_THREAD = -4,    /* called from a thread other than the node's loop thread */
  EUREKA_ESTOPPED = -5,         /* the node is stopping or stopped */
  EUREKA_ESTATE = -6,           /* not in the node's present state (see each function) */
  EUREKA_ENOT_FOUND = -7,       /* no such instance (or no instance is visible under that name) */
  EUREKA_EREJECTED = -8,        /* eureka_register: the instance failed validation (message says why) */
  EUREKA_ESTART = -9,           /* eureka_node_create: the node could not start (address in use...) */
  EUREKA_ENOMEM = -10           /* out of memory */
} eureka_code;

/* The fixed text of a code ("invalid argument"...), static storage; "unknown error code" for others.
 * Any thread. */
const char *eureka_strerror(int code);

/* What the last failed call on the calling thread said, naming the bad setting, value or instance:
 * "unknown setting 'server.prot'". Thread-local: valid until the next failing call on this thread; not
 * cleared by successful calls; "" before any failure. Never NULL. Any thread. */
const char *eureka_last_error(void);

/* Releases memory returned by this library (records, lists, documents). NULL is allowed. Any thread. */
void eureka_free(void *memory);

/* ---- configuration ------------------------------------------------------------------------------ */

/* Settings with exactly the names of the command line (`eureka-server --help`), without the leading
 * "--": "server.port", "eureka.server.enable-self-preservation", "eureka.client.service-url.defaultZone"...
 * Names match as on the command line (each dot-separated part without '-' and '_', case ignored). Values
 * are validated as the command line does. A config is used by one thread at a time; a node copies it. */
typedef struct eureka_config eureka_config;

/* Makes a configuration with every default (note: server.port 8761; 0 picks a free port).
 * Errors: EUREKA_EINVAL (config NULL), EUREKA_ENOMEM. On success *config is to be eureka_config_free'd. */
int eureka_config_new(eureka_config **config);

/* Sets one setting. On failure the configuration is unchanged and eureka_last_error() names the setting:
 * EUREKA_EUNKNOWN_SETTING, EUREKA_EBAD_VALUE (also for a defaultZone URL that is not a usable http URL),
 * EUREKA_EINVAL (a NULL argument). name and value are copied. */
int eureka_config_set(eureka_config *config, const char *name, const char *value);

/* Releases a configuration (nodes made from it keep their copy). EUREKA_EINVAL for NULL. */
int eureka_config_free(eureka_config *config);

/* ---- node lifecycle ----------------------------------------------------------------------------- */

typedef struct eureka_node eureka_node;
struct uv_loop_s; /* uv_loop_t of <uv.h> */

/* Makes a node and starts it: it listens (HTTP) and its timers run as soon as its loop runs.
 *  config: NULL for every default.
 *  loop:   a host's initialised uv_loop_t, or NULL for a loop of the node's own.
 *          With a host loop the calling thread must be the thread that runs that loop (it becomes the
 *          node's loop thread); the host keeps running its loop as usual and our handles live beside its
 *          own. The host must not close its loop before the node's stop callback ran.
 *          With NULL, the node runs when eureka_node_run is called.
 * Errors: EUREKA_EINVAL, EUREKA_EBAD_VALUE (a setting that cannot be used), EUREKA_ESTART (cannot listen:
 * the message says why; with a host loop, handles the failed start opened close on the loop's next turn,
 * so run the loop once more before uv_loop_close). On success *node is set. */
int eureka_node_create(const eureka_config *config, struct uv_loop_s *loop, eureka_node **node);

/* The TCP port the node listens on (the one picked when server.port was 0). Any thread.
 * Errors: EUREKA_EINVAL. */
int eureka_node_port(const eureka_node *node, int *port);

/* Runs a node on its own loop on the calling thread, which becomes the loop thread, until the node has
 * stopped; returns EUREKA_OK then. Call it once.
 * A stop requested before the run finishes during it. Errors: EUREKA_EINVAL, EUREKA_ESTATE (a node on a host
 * loop: the host runs it; or run was called before). */
int eureka_node_run(eureka_node *node);

/* Called once on the loop thread when a stop has finished: every handle of the node is closed (a host
 * loop holds nothing of ours any more) and no work of it is in flight. For a node on a host loop the
 * node may be freed in this callback. */
typedef void (*eureka_stopped_cb)(eureka_node *node, void *user_data);

/* Stops the node gracefully: stops listening, answers the requests in flight (at most 1.5 s), closes every
 * connection, timer and peer client, then calls on_stopped (may be NULL) with user_data. From another
 * thread the request goes through the node's uv_async_t. In-process calls return EUREKA_ESTOPPED from now
 * on. A node on its own loop: eureka_node_run returns after on_stopped. Any thread.
 * Errors: EUREKA_EINVAL, EUREKA_ESTOPPED (stop was already called). */
int eureka_node_stop(eureka_node *node, eureka_stopped_cb on_stopped, void *user_data);

typedef void (*eureka_post_cb)(eureka_node *node, void *user_data);

/* Runs fn(node, user_data) on the loop thread soon (through the node's uv_async_t): how another thread
 * makes in-process calls. Calls posted before a stop still run (their in-process calls may then return
 * EUREKA_ESTOPPED). Any thread.
 * Errors: EUREKA_EINVAL, EUREKA_ESTOPPED (the node has stopped: fn will not run). */
int eureka_node_post(eureka_node *node, eureka_post_cb fn, void *user_data);

/* Releases a stopped node: after its stop callback ran (a host loop: in it or later; own loop: after
 * eureka_node_run returned). Any thread, but no other call on this node may be in progress or follow.
 * Errors: EUREKA_EINVAL, EUREKA_ESTATE (not stopped yet, or called inside eureka_node_run: nothing freed). */
int eureka_node_free(eureka_node *node);

/* ---- instances ---------------------------------------------------------------------------------- */

/* The five statuses of the wire format. */
typedef enum eureka_status {
  EUREKA_STATUS_UP = 0,
  EUREKA_STATUS_DOWN = 1,
  EUREKA_STATUS_STARTING = 2,
  EUREKA_STATUS_OUT_OF_SERVICE = 3,
  EUREKA_STATUS_UNKNOWN = 4
} eureka_status;

typedef struct eureka_pair {
  const char *key;
  const char *value;
} eureka_pair;

/* The common fields of an instance: what eureka_register reads, and the first part of every record read.
 * Strings are UTF-8; NULL means absent. */
typedef struct eureka_instance {
  const char *app;                 /* required; upper-cased (names are case-insensitive, as over HTTP) */
  const char *instance_id;         /* NULL or "": the host name is the id (the HTTP API's fallback) */
  const char *host_name;           /* required */
  const char *ip_addr;             /* required */
  eureka_status status;            /* initial status (EUREKA_STATUS_UP) */
  int port;                        /* 0..65535 (7001) */
  int port_enabled;                /* 0 or 1 (1) */
  int secure_port;                 /* 0..65535 (7002) */
  int secure_port_enabled;         /* 0 or 1 (0) */
  const char *vip_address;         /* comma-separated VIP names, matched by EUREKA_SELECT_VIP */
  const char *secure_vip_address;  /* matched by EUREKA_SELECT_SECURE_VIP */
  const char *home_page_url;
  const char *status_page_url;
  const char *health_check_url;
  const char *data_center;         /* "MyOwn" (NULL), "Amazon" or "Netflix", case ignored */
  int lease_renewal_interval_secs; /* <= 0: 30 */
  int lease_duration_secs;         /* <= 0: 90; a lease not renewed for this long expires */
  const eureka_pair *metadata;     /* metadata_count pairs (NULL when 0); a repeated key: the last wins */
  size_t metadata_count;
} eureka_instance;

/* Fills *instance with the defaults above (every string NULL). EUREKA_EINVAL for NULL. Any thread. */
int eureka_instance_init(eureka_instance *instance);

/* Registers (or re-registers) an instance as a client registration over HTTP would: validated alike, a new
 * lease, replicated to peers, an EUREKA_EVENT_REGISTERED event. Loop thread.
 * Errors: EUREKA_EINVAL (NULL, a status or port out of range, an unknown data_center, a NULL metadata key
 * or value), EUREKA_EREJECTED (the HTTP API's 400: "Missing hostname"...), EUREKA_EWRONG_THREAD,
 * EUREKA_ESTOPPED. */
int eureka_register(eureka_node *node, const eureka_instance *instance);

/* Renews a lease (a heartbeat). Loop thread.
 * Errors: EUREKA_ENOT_FOUND (no lease, or its status is UNKNOWN: register again), EUREKA_EINVAL,
 * EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED. */
int eureka_renew(eureka_node *node, const char *app, const char *instance_id);

/* Removes an instance (EUREKA_EVENT_CANCELLED). Loop thread.
 * Errors: EUREKA_ENOT_FOUND, EUREKA_EINVAL, EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED. */
int eureka_cancel(eureka_node *node, const char *app, const char *instance_id);

/* Overrides the status of an instance, as PUT .../status?value= (EUREKA_EVENT_STATUS_CHANGED when it
 * changes). Loop thread.
 * Errors: EUREKA_ENOT_FOUND, EUREKA_EINVAL (status out of range), EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED. */
int eureka_set_status_override(eureka_node *node, const char *app, const char *instance_id, eureka_status status);

/* Removes a status override, as DELETE .../status?value=: the status becomes new_status (UNKNOWN makes
 * the instance's next renewal fail so it registers again). Nothing changes without an override.
 * Loop thread. Errors: as eureka_set_status_override. */
int eureka_remove_status_override(eureka_node *node, const char *app, const char *instance_id,
                                  eureka_status new_status);

/* ---- reads -------------------------------------------------------------------------------------- */

/* One instance as the registry holds it. Every pointer points into the same block as the record. */
typedef struct eureka_record {
  eureka_instance instance;        /* instance_id is the id the instance is stored under; never NULL */
  eureka_status overridden_status; /* EUREKA_STATUS_UNKNOWN: none */
  int64_t registration_timestamp;  /* epoch milliseconds */
  int64_t last_renewal_timestamp;  /* Netflix's "last update": after a renewal, renewal time + duration */
  int64_t eviction_timestamp;      /* 0 unless cancelled or expired */
  int64_t service_up_timestamp;
  int64_t last_updated_timestamp;
  int64_t last_dirty_timestamp;
} eureka_record;

typedef struct eureka_record_list {
  size_t count;
  const eureka_record *records; /* count records, ordered by application name then instance id */
} eureka_record_list;

typedef struct eureka_counts {
  size_t applications;
  size_t instances;
  size_t up;
  size_t down;
  size_t starting;
  size_t out_of_service;
  size_t unknown;
} eureka_counts;

/* Which instances eureka_list_instances and eureka_visit_instances read. */
typedef enum eureka_selector {
  EUREKA_SELECT_ALL = 0,        /* the full registry (name ignored, may be NULL) */
  EUREKA_SELECT_APP = 1,        /* one application (name case-insensitive) */
  EUREKA_SELECT_VIP = 2,        /* instances whose vip_address lists name */
  EUREKA_SELECT_SECURE_VIP = 3  /* instances whose secure_vip_address lists name */
} eureka_selector;

typedef enum eureka_format {
  EUREKA_FORMAT_JSON = 0,
  EUREKA_FORMAT_XML = 1
} eureka_format;

/* Counts of the registry now. Loop thread. Errors: EUREKA_EINVAL, EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED. */
int eureka_get_counts(eureka_node *node, eureka_counts *counts);

/* One instance, as GET /apps/{app}/{id} (a lease that expired is not found), copied into one block:
 * *record is to be eureka_free'd. Loop thread.
 * Errors: EUREKA_ENOT_FOUND, EUREKA_EINVAL, EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED, EUREKA_ENOMEM. */
int eureka_get_instance(eureka_node *node, const char *app, const char *instance_id, eureka_record **record);

/* The selected instances (as the registry documents list them: expired leases not yet evicted included),
 * copied into one block: *list is to be eureka_free'd (count may be 0). Loop thread.
 * Errors: EUREKA_EINVAL (NULL name for a selector that needs one, selector out of range),
 * EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED, EUREKA_ENOMEM. */
int eureka_list_instances(eureka_node *node, eureka_selector selector, const char *name,
                          eureka_record_list **list);

/* Return 0 to go on, anything else to stop. The record is valid during the call only. */
typedef int (*eureka_visit_cb)(const eureka_record *record, void *user_data);

/* Calls visit for each selected instance in the order of eureka_list_instances, without copying them all
 * first. Loop thread. Errors: as eureka_list_instances. */
int eureka_visit_instances(eureka_node *node, eureka_selector selector, const char *name, eureka_visit_cb visit,
                           void *user_data);

/* The full registry document, as GET /eureka/apps answers it (never from a stale cache), NUL-terminated:
 * *bytes is to be eureka_free'd, *length excludes the NUL. Loop thread.
 * Errors: EUREKA_EINVAL (format out of range), EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED, EUREKA_ENOMEM. */
int eureka_get_registry(eureka_node *node, eureka_format format, char **bytes, size_t *length);

/* ---- events ------------------------------------------------------------------------------------- */

typedef enum eureka_event_kind {
  EUREKA_EVENT_REGISTERED = 1,     /* registered, re-registered, or its metadata changed */
  EUREKA_EVENT_CANCELLED = 2,      /* removed by a cancel */
  EUREKA_EVENT_EXPIRED = 3,        /* removed by eviction: its lease expired */
  EUREKA_EVENT_STATUS_CHANGED = 4  /* a status override set or removed, or the status rules changed it */
} eureka_event_kind;

typedef struct eureka_event {
  eureka_event_kind kind;
  int replicated;               /* 1: a peer sent this change (replicated in); 0: a client or this host */
  const eureka_record *record;  /* the record after the change (removed ones: as removed); valid during the
                                   callback only */
} eureka_event;

typedef void (*eureka_event_cb)(const eureka_event *event, void *user_data);

/* Calls callback(event, user_data) on the loop thread after every change, from HTTP clients, peers and
 * in-process calls alike (renewals are not changes). NULL removes it. Replaces an earlier callback.
 * Loop thread. Errors: EUREKA_EINVAL, EUREKA_EWRONG_THREAD, EUREKA_ESTOPPED. */
int eureka_node_set_event_callback(eureka_node *node, eureka_event_cb callback, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* EUREKA_SERVER_H */
