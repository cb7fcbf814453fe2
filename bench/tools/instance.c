/* See instance.h. Keep in step with bench/lua/common.lua; bench/check.sh compares the two. */
#include "instance.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The headers the Java DiscoveryClient (Jersey 1 + Apache HttpClient) sends with every call. */
#define CLIENT_HEADERS \
  "Accept: application/json\r\n" \
  "Accept-Encoding: gzip\r\n" \
  "DiscoveryIdentity-Name: DefaultClient\r\n" \
  "DiscoveryIdentity-Version: 1.4\r\n" \
  "DiscoveryIdentity-Id: 127.0.0.1\r\n"

/* Spec 2.1's example, grown to the ~1.1 KB a Spring Boot client sends (full leaseInfo, a few metadata entries). */
#define BODY_FORMAT \
  "{\"instance\":{\"instanceId\":\"%s\",\"hostName\":\"%s\",\"app\":\"%s\",\"ipAddr\":\"%s\"," \
  "\"status\":\"UP\",\"overriddenStatus\":\"UNKNOWN\",\"port\":{\"$\":8080,\"@enabled\":\"true\"}," \
  "\"securePort\":{\"$\":443,\"@enabled\":\"false\"},\"countryId\":1," \
  "\"dataCenterInfo\":{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\",\"name\":\"MyOwn\"}," \
  "\"leaseInfo\":{\"renewalIntervalInSecs\":30,\"durationInSecs\":90,\"registrationTimestamp\":0," \
  "\"lastRenewalTimestamp\":0,\"evictionTimestamp\":0,\"serviceUpTimestamp\":0}," \
  "\"metadata\":{\"management.port\":\"8080\",\"zone\":\"zone-a\",\"version\":\"1.4.2\"," \
  "\"git.commit\":\"3f9c2a1b7e5d\",\"startup\":\"2024-11-24T09:20:00Z\",\"instance.group\":\"default\"," \
  "\"profile\":\"production\",\"region\":\"eu-west-1\",\"build.time\":\"2024-11-20T17:03:11Z\"," \
  "\"prometheus.scrape\":\"true\"}," \
  "\"homePageUrl\":\"http://%s:8080/\",\"statusPageUrl\":\"http://%s:8080/actuator/info\"," \
  "\"healthCheckUrl\":\"http://%s:8080/actuator/health\",\"vipAddress\":\"%s\",\"secureVipAddress\":\"%s\"," \
  "\"isCoordinatingDiscoveryServer\":\"false\",\"lastUpdatedTimestamp\":\"%s\",\"lastDirtyTimestamp\":\"%s\"}}"

typedef struct {
  char app[64];      /* BENCH-APP-7 */
  char vip[64];      /* bench-app-7 */
  char host[64];     /* bench-42 */
  char id[160];      /* bench-42:bench-app-7:8080 */
  char ip[20];       /* 10.0.0.42 */
} names_t;

static void make_names(const naming_t *nm, long i, names_t *n) {
  long a = i % nm->apps;
  snprintf(n->vip, sizeof n->vip, "%s-app-%ld", nm->prefix, a);
  snprintf(n->app, sizeof n->app, "%s", n->vip);
  for (char *p = n->app; *p; p++) *p = (char)toupper((unsigned char)*p);
  snprintf(n->host, sizeof n->host, "%s-%ld", nm->prefix, i);
  snprintf(n->id, sizeof n->id, "%s:%s:8080", n->host, n->vip);
  snprintf(n->ip, sizeof n->ip, "10.%ld.%ld.%ld", (i >> 16) & 255, (i >> 8) & 255, i & 255);
}

static int fitted(int n, size_t cap) { return n < 0 || (size_t)n >= cap ? -1 : n; }

int format_register(const naming_t *nm, long i, char *out, size_t cap) {
  names_t n;
  char body[2048];
  make_names(nm, i, &n);
  int len = snprintf(body, sizeof body, BODY_FORMAT, n.id, n.host, n.app, n.ip, n.host, n.host, n.host, n.vip,
                     n.vip, nm->dirty_ts, nm->dirty_ts);
  if (fitted(len, sizeof body) < 0) return -1;
  return fitted(snprintf(out, cap,
                         "POST /eureka/apps/%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                         CLIENT_HEADERS "%sContent-Length: %d\r\n\r\n%s",
                         n.app, nm->host_header, nm->auth_line, len, body),
                cap);
}

int format_heartbeat(const naming_t *nm, long i, char *out, size_t cap) {
  names_t n;
  make_names(nm, i, &n);
  /* Apache HttpClient sends Content-Length: 0 on a PUT without an entity. */
  return fitted(snprintf(out, cap,
                         "PUT /eureka/apps/%s/%s?status=UP&lastDirtyTimestamp=%s HTTP/1.1\r\nHost: %s\r\n"
                         CLIENT_HEADERS "%sContent-Length: 0\r\n\r\n",
                         n.app, n.id, nm->dirty_ts, nm->host_header, nm->auth_line),
                cap);
}

int format_status(const naming_t *nm, long i, char *out, size_t cap) {
  (void)i;
  return fitted(snprintf(out, cap, "GET /eureka/status HTTP/1.1\r\nHost: %s\r\n" CLIENT_HEADERS "%s\r\n",
                         nm->host_header, nm->auth_line),
                cap);
}

/* Replication requests carry the headers a replicating node sends (spec 7.4, 7.8), not a client's. */
#define REPLICATION_HEADERS \
  "Content-Type: application/json\r\n" \
  "Accept: application/json\r\n" \
  "DiscoveryIdentity-Name: DefaultServer\r\n" \
  "DiscoveryIdentity-Version: 1.0\r\n" \
  "DiscoveryIdentity-Id: 127.0.0.1\r\n" \
  "x-netflix-discovery-replication: true\r\n"

int format_heartbeat_batch(const naming_t *nm, long b, int items, char *out, size_t cap) {
  /* The body first, after room for the head; then the head is written in front of it. */
  enum { HEAD_ROOM = 512 };
  if (cap <= HEAD_ROOM || items <= 0 || nm->instances <= 0) return -1;
  char *body = out + HEAD_ROOM;
  size_t room = cap - HEAD_ROOM, len = 0;
  int n = fitted(snprintf(body, room, "{\"replicationList\":["), room);
  if (n < 0) return -1;
  len += (size_t)n;
  for (int j = 0; j < items; j++) {
    names_t nmx;
    make_names(nm, (b * items + j) % nm->instances, &nmx);
    n = fitted(snprintf(body + len, room - len,
                        "%s{\"appName\":\"%s\",\"id\":\"%s\",\"lastDirtyTimestamp\":%s,\"status\":\"UP\","
                        "\"action\":\"Heartbeat\"}",
                        j ? "," : "", nmx.app, nmx.id, nm->dirty_ts),
               room - len);
    if (n < 0) return -1;
    len += (size_t)n;
  }
  n = fitted(snprintf(body + len, room - len, "]}"), room - len);
  if (n < 0) return -1;
  len += (size_t)n;
  char head[HEAD_ROOM];
  int head_len = fitted(snprintf(head, sizeof head,
                                 "POST /eureka/peerreplication/batch/ HTTP/1.1\r\nHost: %s\r\n"
                                 REPLICATION_HEADERS "Content-Length: %zu\r\n\r\n",
                                 nm->host_header, len),
                        sizeof head);
  if (head_len < 0) return -1;
  memmove(out + head_len, body, len);
  memcpy(out, head, (size_t)head_len);
  return head_len + (int)len;
}
