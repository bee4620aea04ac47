/*
 * kpart test broker: librdkafka's mock cluster (a real Kafka wire-protocol peer) behind a tiny
 * line protocol, so Node tests can start a cluster and inject faults without Java or Docker.
 *
 * Usage: mock-broker [BROKER_COUNT]          (default 3)
 *
 * On start it prints one JSON line:  {"bootstrap":"127.0.0.1:p1,...","brokers":N}
 * Then it reads commands from stdin, one per line, and answers each with one line:
 * "ok" or "error <text>". EOF on stdin (the test process died) or "quit" stops the cluster,
 * so a crashed test never leaves a broker behind.
 *
 *   ping
 *   create-topic NAME PARTITIONS [REPLICATION]      rd_kafka_mock_topic_create
 *   broker-down ID | broker-up ID                   rd_kafka_mock_broker_set_down / _set_up
 *   rtt ID MS                                       rd_kafka_mock_broker_set_rtt
 *   rack ID RACK                                    rd_kafka_mock_broker_set_rack
 *   leader TOPIC PARTITION BROKER                   rd_kafka_mock_partition_set_leader
 *   follower TOPIC PARTITION BROKER                 rd_kafka_mock_partition_set_follower
 *   errors APIKEY ERRCODE [COUNT]                   rd_kafka_mock_push_request_errors_array
 *   broker-errors ID APIKEY ERRCODE RTT_MS [COUNT]  rd_kafka_mock_broker_push_request_error_rtts
 *   clear-errors APIKEY                             rd_kafka_mock_clear_request_errors
 *   topic-error TOPIC ERRCODE                       rd_kafka_mock_topic_set_error
 *   coordinator TYPE KEY BROKER                     rd_kafka_mock_coordinator_set (TYPE: group|transaction)
 *   quit
 *
 * Error codes are Kafka protocol codes (e.g. 6 = NOT_LEADER_OR_FOLLOWER, 7 = REQUEST_TIMED_OUT).
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>

static void reply(rd_kafka_resp_err_t err) {
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
                printf("ok\n");
        else
                printf("error %s\n", rd_kafka_err2str(err));
        fflush(stdout);
}

static void fail(const char *msg) {
        printf("error %s\n", msg);
        fflush(stdout);
}

int main(int argc, char **argv) {
        int brokers = argc > 1 ? atoi(argv[1]) : 3;
        char errstr[512];
        if (brokers < 1 || brokers > 64) {
                fprintf(stderr, "mock-broker: broker count must be 1..64\n");
                return 2;
        }
        signal(SIGPIPE, SIG_IGN);

        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* The host handle only owns the mock cluster's threads; keep it quiet. */
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "mock-broker: rd_kafka_new failed: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mc) {
                fprintf(stderr, "mock-broker: rd_kafka_mock_cluster_new failed\n");
                return 1;
        }
        printf("{\"bootstrap\":\"%s\",\"brokers\":%d}\n", rd_kafka_mock_cluster_bootstraps(mc), brokers);
        fflush(stdout);

        char line[4096];
        while (fgets(line, sizeof(line), stdin)) {
                char cmd[64] = {0}, a[1024] = {0}, b[1024] = {0}, c[256] = {0}, d[256] = {0}, e[256] = {0};
                int n = sscanf(line, "%63s %1023s %1023s %255s %255s %255s", cmd, a, b, c, d, e);
                if (n < 1) continue;
                if (!strcmp(cmd, "ping")) {
                        reply(RD_KAFKA_RESP_ERR_NO_ERROR);
                } else if (!strcmp(cmd, "quit")) {
                        printf("ok\n");
                        fflush(stdout);
                        break;
                } else if (!strcmp(cmd, "create-topic") && n >= 3) {
                        reply(rd_kafka_mock_topic_create(mc, a, atoi(b), n >= 4 ? atoi(c) : 1));
                } else if (!strcmp(cmd, "broker-down") && n >= 2) {
                        reply(rd_kafka_mock_broker_set_down(mc, atoi(a)));
                } else if (!strcmp(cmd, "broker-up") && n >= 2) {
                        reply(rd_kafka_mock_broker_set_up(mc, atoi(a)));
                } else if (!strcmp(cmd, "rtt") && n >= 3) {
                        reply(rd_kafka_mock_broker_set_rtt(mc, atoi(a), atoi(b)));
                } else if (!strcmp(cmd, "rack") && n >= 3) {
                        reply(rd_kafka_mock_broker_set_rack(mc, atoi(a), b));
                } else if (!strcmp(cmd, "leader") && n >= 4) {
                        reply(rd_kafka_mock_partition_set_leader(mc, a, atoi(b), atoi(c)));
                } else if (!strcmp(cmd, "follower") && n >= 4) {
                        reply(rd_kafka_mock_partition_set_follower(mc, a, atoi(b), atoi(c)));
                } else if (!strcmp(cmd, "errors") && n >= 3) {
                        int cnt = n >= 4 ? atoi(c) : 1;
                        if (cnt < 1 || cnt > 10000) { fail("count must be 1..10000"); continue; }
                        rd_kafka_resp_err_t *errs = calloc((size_t)cnt, sizeof(*errs));
                        for (int i = 0; i < cnt; i++) errs[i] = (rd_kafka_resp_err_t)atoi(b);
                        rd_kafka_mock_push_request_errors_array(mc, (int16_t)atoi(a), (size_t)cnt, errs);
                        free(errs);
                        reply(RD_KAFKA_RESP_ERR_NO_ERROR);
                } else if (!strcmp(cmd, "broker-errors") && n >= 5) {
                        int cnt = n >= 6 ? atoi(e) : 1;
                        rd_kafka_resp_err_t r = RD_KAFKA_RESP_ERR_NO_ERROR;
                        /* The C API is variadic (err, rtt pairs); push one pair per call. */
                        for (int i = 0; i < cnt && !r; i++)
                                r = rd_kafka_mock_broker_push_request_error_rtts(
                                    mc, atoi(a), (int16_t)atoi(b), 1, (rd_kafka_resp_err_t)atoi(c), atoi(d));
                        reply(r);
                } else if (!strcmp(cmd, "clear-errors") && n >= 2) {
                        rd_kafka_mock_clear_request_errors(mc, (int16_t)atoi(a));
                        reply(RD_KAFKA_RESP_ERR_NO_ERROR);
                } else if (!strcmp(cmd, "topic-error") && n >= 3) {
                        rd_kafka_mock_topic_set_error(mc, a, (rd_kafka_resp_err_t)atoi(b));
                        reply(RD_KAFKA_RESP_ERR_NO_ERROR);
                } else if (!strcmp(cmd, "coordinator") && n >= 4) {
                        reply(rd_kafka_mock_coordinator_set(mc, a, b, atoi(c)));
                } else {
                        fail("unknown command or missing arguments");
                }
        }
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
