@testable import Server
import Testing

@Suite struct RouterTests {
    let router = Router()

    func route(_ path: String) -> Endpoint? { router.route(ArraySlice(Array(path.utf8))) }

    @Test func bothPrefixesAndTrailingSlashReachTheSameEndpoint() {
        for path in ["/eureka/apps", "/eureka/apps/", "/eureka/v2/apps", "/eureka/v2/apps/"] {
            #expect(route(path) == .apps)
        }
    }

    @Test func segmentsArePercentDecodedAndAppNamesUpperCased() {
        #expect(route("/eureka/apps/orders/host%3AORDERS%3A8080") == .instance(app: "ORDERS", id: "host:ORDERS:8080"))
        #expect(route("/eureka/apps/a/b+c/status") == .instanceStatus(app: "A", id: "b+c"))
        #expect(route("/eureka/apps/a/b/metadata") == .instanceMetadata(app: "A", id: "b"))
    }

    @Test func lowerCaseDeltaIsTheDeltaOtherSpellingsAreApps() {
        #expect(route("/eureka/apps/delta") == .delta)
        #expect(route("/eureka/apps/DELTA") == .app("DELTA"))
    }

    @Test func otherResources() {
        #expect(route("/eureka/instances/i-1") == .instanceById("i-1"))
        #expect(route("/eureka/vips/orders") == .vip("orders"))
        #expect(route("/eureka/svips/orders") == .svip("orders"))
        #expect(route("/eureka/status") == .status)
        #expect(route("/eureka/serverinfo/statusoverrides") == .statusOverrides)
        #expect(route("/eureka/peerreplication/batch/") == .peerReplicationBatch)
        #expect(route("/eureka/asg/g1/status") == .asgStatus("g1"))
        #expect(route("/actuator/health") == .health)
        #expect(route("/actuator/info") == .info)
        #expect(route("/info/") == .info)
        #expect(route("/metrics") == .metrics)
        #expect(route("/") == .dashboard)
    }

    @Test func unknownPathsAndOtherVersionSegmentsAreNil() {
        for path in ["/eureka", "/eureka/v1/apps", "/eureka/apps/a/b/c/d", "/other", "/eureka/vips", "/eureka/apps/a/b/nope"] {
            #expect(route(path) == nil, "\(path)")
        }
    }

    @Test func queryIsFormDecodedFirstValueWins() {
        let query = Query(ArraySlice(Array("value=OUT_OF_SERVICE&a=1+2&a=3&lastDirtyTimestamp=17&empty=&x=%41".utf8)))
        #expect(query.value("value") == "OUT_OF_SERVICE")
        #expect(query.value("a") == "1 2")
        #expect(query.int64("lastDirtyTimestamp") == 17)
        #expect(query.int64("empty") == nil)
        #expect(query.value("x") == "A")
        #expect(query.value("missing") == nil)
        #expect(query.allPairs.map(\.0) == ["value", "a", "lastDirtyTimestamp", "empty", "x"])
    }
}
