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
