import Glibc

/// What the server executable's main.swift does for the process before any loop runs, done once for the
/// test process: the library leaves process-wide signal dispositions to its host.
enum TestProcess {
    private static let once: Void = {
        // A write to a socket the peer already closed must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
    }()

    static func setUp() { once }
}
