#if DEBUG
@testable import Server

/// A request target as the decoder hands it over (path and query): routing and query decoding never trap,
/// and percent-decoding inverts percent-encoding, so an id with any bytes routes back to itself.
enum RouterFuzz {
    static let routers = [Router(), Router(dashboardPath: "/dash/", metricsEnabled: false), Router(dashboardPath: nil)]

    static func run(_ input: UnsafeRawBufferPointer) {
        let url = Array(input)[...]
        let (path, query) = Query.split(url)
        fuzzCheck(path.count + (path.count < url.count ? 1 : 0) <= url.count, "split lost bytes")
        for router in routers { _ = router.route(path) }
        checkPlainInstancePath(path)
        _ = query.value("status")
        _ = query.value("value")
        _ = query.contains("regions")
        checkInt64(query)
        let pairs = query.allPairs
        fuzzCheck(Set(pairs.map(\.0)).count == pairs.count, "a repeated query name was listed twice")

        // Any bytes as an id: encoded, routed, decoded back to the same text.
        let id = String(decoding: input, as: UTF8.self)
        let encodedID = percentEncoded(Array(id.utf8))
        let routed = Router().route(Array("/eureka/v2/apps/ORDERS/\(encodedID)/status".utf8)[...])
        fuzzCheck(id.isEmpty || routed == .instanceStatus(app: "ORDERS", id: id), "id \(id.debugDescription) routed to \(String(describing: routed))")
        let encodedQuery = Array("value=\(encodedID)&value=second".utf8)[...]
        fuzzCheck(Query(encodedQuery).value("value") == id, "query value did not decode back to \(id.debugDescription)")
        fuzzCheck(PercentDecoding.decode(Array(encodedID.utf8)[...], plusIsSpace: true) == id, "percent-decoding is not the inverse")
    }

    /// The heartbeat's byte ranges name what `route` names: the same app and id, taken as they are.
    private static func checkPlainInstancePath(_ path: ArraySlice<UInt8>) {
        guard let (app, id) = Router().plainInstancePath(path) else { return }
        let expected = Endpoint.instance(app: String(decoding: path[app], as: UTF8.self), id: String(decoding: path[id], as: UTF8.self))
        fuzzCheck(Router().route(path) == expected, "plainInstancePath disagrees with route for \(Array(path))")
    }

    /// `int64` agrees with Swift's own parsing of the decoded value, for plain digit strings.
    private static func checkInt64(_ query: Query) {
        let parsed = query.int64("lastDirtyTimestamp")
        guard let text = query.value("lastDirtyTimestamp") else {
            fuzzCheck(parsed == nil, "int64 of an absent parameter")
            return
        }
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            fuzzCheck(parsed == Int64(text), "int64 \(String(describing: parsed)) for \(text.debugDescription)")
        }
    }

    /// Every byte outside the unreserved set as %XX.
    private static func percentEncoded(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
#endif
