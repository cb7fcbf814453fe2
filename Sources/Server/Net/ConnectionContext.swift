/// What every connection of one server shares, handed to each connection instead of the server itself: the
/// settings, the responder, the counters, the request buffers, the stop flag, and where to report a close.
/// Loop-confined, owned by `HTTPServer`, which outlives its connections (it holds each one until its close
/// callback).
final class ConnectionContext {
    // Exclusivity: touched only on the loop thread, never passed inout to code that reaches it again; the
    // counters are bumped on every request, so they skip the dynamic checks (see ServerConnection).
    let settings: HTTPServerSettings
    let responder: Responder
    /// Builds the body of 400/408/413/431 answers sent before a request could be routed.
    let errorResponse: (Int) -> Response
    /// Request buffers lent to connections only while a request is in progress.
    let requestBuffers = RequestBufferPool()
    @exclusivity(unchecked) var metrics = HTTPMetrics()
    /// Set once the server stops: answers say `Connection: close` and idle connections close.
    @exclusivity(unchecked) var isStopping = false
    /// Versions of large cached bodies held by connections still writing them, and their bound.
    let pins: PinnedPayloads
    /// Bytes of large shared bodies queued on connections that have not drained yet: the write backlog the
    /// overload guard watches. A body counts from its queueing to its connection's drain or close.
    @exclusivity(unchecked) var bulkBacklogBytes = 0
    /// Set by the server: a connection calls it from its close callback.
    var connectionDidClose: (ServerConnection) -> Void = { _ in }

    init(settings: HTTPServerSettings, responder: Responder, errorResponse: @escaping (Int) -> Response) {
        self.settings = settings
        self.responder = responder
        self.errorResponse = errorResponse
        pins = PinnedPayloads(maxSupersededBytes: settings.maxSupersededPayloadBytes)
    }
}
