@testable import Server
import Testing

/// Peer service URLs (spec 7.1, parsed by PeerURL) -> where to connect, the base path and the Basic credentials.
@Suite struct ClientTargetTests {
    @Test func aPeerURLGivesHostPortBasePathAndCredentials() throws {
        let target = ClientTarget(peer: try PeerURL(parsing: "http://user:p%3Ass@eureka-2:8761/eureka"))
        #expect(target == ClientTarget(host: "eureka-2", port: 8761, basePath: "/eureka/", user: "user", password: "p:ss"))
        #expect(target.hostHeader == "eureka-2:8761")
        #expect(target.authorization == "Basic dXNlcjpwOnNz")  // base64("user:p:ss")
        #expect(target.target(of: "apps/ORDERS") == "/eureka/apps/ORDERS")
        #expect(target.target(of: "/other/") == "/other/")
    }

    @Test func defaultsAndIPv6Literals() throws {
        let plain = ClientTarget(peer: try PeerURL(parsing: "HTTP://peer"))
        #expect(plain == ClientTarget(host: "peer", port: 80, basePath: "/"))
        #expect(plain.hostHeader == "peer")
        #expect(plain.authorization == nil)
        let literal = ClientTarget(peer: try PeerURL(parsing: "http://[::1]:8762/eureka/"))
        #expect(literal == ClientTarget(host: "::1", port: 8762, basePath: "/eureka/"))
        #expect(literal.hostHeader == "[::1]:8762")
    }
}
