@testable import Server
import Testing

/// Peer service URLs (spec 7.1) -> where to connect, the base path and the Basic credentials.
@Suite struct ClientTargetTests {
    @Test func aPeerURLGivesHostPortBasePathAndCredentials() throws {
        let target = try ClientTarget(url: "http://user:p%3Ass@eureka-2:8761/eureka")
        #expect(target == ClientTarget(host: "eureka-2", port: 8761, basePath: "/eureka/", user: "user", password: "p:ss"))
        #expect(target.hostHeader == "eureka-2:8761")
        #expect(target.authorization == "Basic dXNlcjpwOnNz")  // base64("user:p:ss")
        #expect(target.target(of: "apps/ORDERS") == "/eureka/apps/ORDERS")
        #expect(target.target(of: "/other/") == "/other/")
    }

    @Test func defaultsAndIPv6Literals() throws {
        let plain = try ClientTarget(url: "HTTP://peer")
        #expect(plain == ClientTarget(host: "peer", port: 80, basePath: "/"))
        #expect(plain.hostHeader == "peer")
        #expect(plain.authorization == nil)
        let literal = try ClientTarget(url: "http://[::1]:8762/eureka/?ignored#too")
        #expect(literal == ClientTarget(host: "::1", port: 8762, basePath: "/eureka/"))
        #expect(literal.hostHeader == "[::1]:8762")
    }

    @Test func badURLsNameTheirProblem() {
        #expect(throws: ClientTarget.InvalidURL.notHTTP) { try ClientTarget(url: "https://peer:8761/eureka/") }
        #expect(throws: ClientTarget.InvalidURL.missingHost) { try ClientTarget(url: "http://:8761/eureka/") }
        #expect(throws: ClientTarget.InvalidURL.badPort) { try ClientTarget(url: "http://peer:0/") }
        #expect(throws: ClientTarget.InvalidURL.badPort) { try ClientTarget(url: "http://peer:http/") }
    }

    @Test func base64PadsAsRFC4648Says() {
        #expect(["", "f", "fo", "foo", "foob", "fooba", "foobar"].map { Base64.encode(Array($0.utf8)) }
                == ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"])
    }
}
