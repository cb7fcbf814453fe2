/// Picks the response format from the request headers (spec 1.3, 1.5, 1.6).
enum Negotiation {
    /// JSON when `Accept` contains `json` (case-insensitive, OUR choice), else XML; never 406.
    static func prefersJSON(_ request: Request) -> Bool {
        request.header("Accept", contains: "json")
    }

    /// `X-Eureka-Accept: compact` (value case-insensitive); anything else is full.
    static func wantsCompact(_ request: Request) -> Bool {
        guard let value = request.header("X-Eureka-Accept") else { return false }
        return ASCII.equalsIgnoringCase(value, "compact")
    }

    /// Substring test, so `gzip, deflate` qualifies (spec 1.5).
    static func acceptsGzip(_ request: Request) -> Bool {
        request.header("Accept-Encoding", contains: "gzip")
    }

    /// `x-netflix-discovery-replication: true`, value compared exactly as upstream does (spec 1.7).
    static func isReplication(_ request: Request) -> Bool {
        guard let value = request.header("x-netflix-discovery-replication") else { return false }
        return value.elementsEqual("true".utf8)
    }
}
