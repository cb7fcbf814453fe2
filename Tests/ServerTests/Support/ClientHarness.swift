import Testing
@testable import Server

/// An HTTPClient on a loop of the test's own, with a watchdog: a test that never finishes closes the client
/// after `limitMs` and fails instead of hanging. The test calls `finish()` from its last completion.
final class ClientHarness {
    let loop: EventLoop
    let client: HTTPClient
    private let watchdog: LoopTimer
    private(set) var timedOut = false
    private var finished = false

    init(port: Int, settings: HTTPClientSettings = ClientHarness.quick, target: ClientTarget? = nil) throws {
        loop = try makeTestLoop()
        client = HTTPClient(loop: loop, target: target ?? ClientTarget(host: "127.0.0.1", port: port, basePath: "/eureka/"),
                            settings: settings)
        watchdog = try LoopTimer(loop: loop)
    }

    /// Short timeouts, so a failing test fails fast.
    static var quick: HTTPClientSettings {
        var settings = HTTPClientSettings()
        settings.connectTimeoutMs = 2_000
        settings.readTimeoutMs = 3_000
        return settings
    }

    /// Runs the loop until the client closed and every handle with it.
    func run(limitMs: UInt64 = 10_000) {
        watchdog.start(afterMs: limitMs, repeatMs: 0) { [unowned self] in
            timedOut = true
            finish()
        }
        loop.run()
    }

    func finish() {
        guard !finished else { return }
        finished = true
        client.close { [watchdog] in watchdog.close() }
    }

    /// The run's end: no watchdog, a loop that closes clean.
    func expectCleanEnd(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!timedOut, "the watchdog closed the client", sourceLocation: sourceLocation)
        expectLoopClosesClean(loop, sourceLocation: sourceLocation)
    }
}

extension ScriptedPeer.Step {
    /// A complete reply with a Content-Length body.
    static func reply(_ status: String = "200 OK", _ body: String = "", headers: [String] = []) -> Self {
        let head = (["HTTP/1.1 \(status)", "Content-Length: \(body.utf8.count)"] + headers).joined(separator: "\r\n")
        return .write(Array((head + "\r\n\r\n" + body).utf8))
    }
}

extension ClientHarness {
    /// Sends `requests` to `peer` one after the other (each from the previous completion), then closes the
    /// client and runs the loop to the end.
    static func exchange(_ requests: [ClientRequest], with peer: ScriptedPeer, settings: HTTPClientSettings = quick,
                         target: ClientTarget? = nil) throws -> ([Result<ClientResponse, ClientError>], ClientHarness) {
        try exchange(requests, port: peer.port, settings: settings, target: target)
    }

    /// The same towards 127.0.0.1:`port` (or `target`), where there may be no peer at all.
    static func exchange(_ requests: [ClientRequest], port: Int, settings: HTTPClientSettings = quick,
                         target: ClientTarget? = nil) throws -> ([Result<ClientResponse, ClientError>], ClientHarness) {
        let harness = try ClientHarness(port: port, settings: settings, target: target)
        var outcomes: [Result<ClientResponse, ClientError>] = []
        func next() {
            guard outcomes.count < requests.count else { return harness.finish() }
            harness.client.send(requests[outcomes.count]) { outcome in
                outcomes.append(outcome)
                next()
            }
        }
        next()
        harness.run()
        return (outcomes, harness)
    }
}

extension ClientRequest {
    static func get(_ path: String, _ headers: [(String, String)] = []) -> ClientRequest {
        ClientRequest(method: .get, path: path, headers: headers)
    }
}

extension Result where Success == ClientResponse, Failure == ClientError {
    var status: Int? { try? get().status }
    var text: String? { (try? get().body).map { String(decoding: $0, as: UTF8.self) } }
    var failure: ClientError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
