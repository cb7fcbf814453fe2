/// The change stream and the long-poll delta (docs/change-stream.md): request checks and status codes here, the
/// streams and held requests in StreamHub. Off (no hub): the stream path answers as unknown paths do and
/// `waitVersion` is ignored.
extension EurekaAPI {
    /// Streams and held requests past the limit are told when to come back.
    static let streamRetryAfterSeconds = 5
    /// `timeoutMs` of a long poll: its default and its maximum.
    static let defaultPollTimeoutMs: Int64 = 30_000
    static let maxPollTimeoutMs: Int64 = 60_000

    /// `GET /eureka/stream`: 200 and the connection becomes the stream, or an error.
    func openStream(_ request: Request, _ query: Query) -> Reply {
        guard let hub = changeStream else { return .now(.empty(404)) }
        let json = Negotiation.prefersJSON(request)
        guard !request.isHTTP10 else {
            return .now(Self.error(400, "the change stream needs HTTP/1.1 (chunked transfer encoding)", json: json))
        }
        guard readsOpen() else { return .now(.empty(403)) }
        var resumeFrom: UInt64?
        if let text = request.headerString("Last-Event-ID") ?? query.value("lastEventId") {
            guard let value = UInt64(text.trimmingSpaces) else {
                return .now(Self.error(400, "Last-Event-ID must be a change sequence (an unsigned integer)", json: json))
            }
            resumeFrom = value
        }
        guard hub.hasRoom else { return .now(Self.full()) }
        let filter = StreamFilter(appsParameter: query.value("apps"), vipsParameter: query.value("vips"))
        return .channel { channel in hub.open(channel, filter: filter, resumeFrom: resumeFrom) }
    }

    /// `GET /apps/delta` with the extension on: the cached delta with its change sequence, or with `waitVersion`
    /// a fresh delta once a change newer than it exists (at once, on the next change, or at `timeoutMs`).
    func sequencedDelta(_ request: Request, _ query: Query, hub: StreamHub) -> Reply {
        let json = Negotiation.prefersJSON(request)
        var timeoutMs = Self.defaultPollTimeoutMs
        if query.contains("timeoutMs") {
            guard let value = query.int64("timeoutMs"), value <= Self.maxPollTimeoutMs else {
                return .now(Self.error(400, "timeoutMs must be a number of milliseconds from 0 to \(Self.maxPollTimeoutMs)", json: json))
            }
            timeoutMs = value
        }
        guard query.contains("waitVersion") else { return cachedReply(.delta, request) }
        guard let text = query.value("waitVersion"), let waitVersion = UInt64(text) else {
            return .now(Self.error(400, "waitVersion must be a change sequence (an unsigned integer)", json: json))
        }
        if registry.latestChangeSequence > waitVersion { return cachedReply(.delta, request, fresh: true) }
        guard hub.hasRoom else { return .now(Self.full()) }
        let held = PendingReply()
        hub.polls.hold(held, timeoutMs: UInt64(timeoutMs)) { [unowned self] reply in
            switch cachedReply(.delta, request, fresh: true) {
            case .now(let response): reply.complete(response)
            case .later(let pending): pending.onComplete { reply.complete($0) }
            case .channel: reply.complete(.empty(500))  // a delta never opens a channel
            }
        }
        return .later(held)
    }

    private static func full() -> Response {
        var response = Response.empty(503)
        response.retryAfterSeconds = streamRetryAfterSeconds
        return response
    }
}
