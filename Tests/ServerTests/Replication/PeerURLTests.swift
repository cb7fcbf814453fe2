@testable import Server
import Testing

/// The peer list of spec 7.1: URLs as Spring users write them, and OUR self-exclusion rule.
@Suite struct PeerURLTests {
    struct Parsed: Sendable, CustomTestStringConvertible {
        let text: String
        let url: String
        let host: String
        let port: Int
        let basePath: String
        var testDescription: String { text }
    }

    @Test(arguments: [
        Parsed(text: "http://eureka-2:8761/eureka/", url: "http://eureka-2:8761/eureka/", host: "eureka-2", port: 8761, basePath: "/eureka/"),
        Parsed(text: "  http://eureka-2:8761/eureka\n", url: "http://eureka-2:8761/eureka/", host: "eureka-2", port: 8761, basePath: "/eureka/"),
        Parsed(text: "http://eureka-2", url: "http://eureka-2/", host: "eureka-2", port: 80, basePath: "/"),
        Parsed(text: "http://eureka-2:/x/y", url: "http://eureka-2:/x/y/", host: "eureka-2", port: 80, basePath: "/x/y/"),
        Parsed(text: "HTTP://Eureka_2.example.com:1/a%20b/", url: "HTTP://Eureka_2.example.com:1/a%20b/", host: "Eureka_2.example.com", port: 1,
               basePath: "/a%20b/"),
        Parsed(text: "http://10.0.0.1:8761/eureka/", url: "http://10.0.0.1:8761/eureka/", host: "10.0.0.1", port: 8761, basePath: "/eureka/"),
        Parsed(text: "http://[::1]:8761/eureka/", url: "http://[::1]:8761/eureka/", host: "::1", port: 8761, basePath: "/eureka/"),
        Parsed(text: "http://[fe80::1]/", url: "http://[fe80::1]/", host: "fe80::1", port: 80, basePath: "/"),
    ])
    func urlsAsSpringUsersWriteThem(_ expected: Parsed) throws {
        let peer = try PeerURL(parsing: expected.text)
        #expect(peer.url == expected.url)
        #expect(peer.host == expected.host)
        #expect(peer.port == expected.port)
        #expect(peer.basePath == expected.basePath)
        #expect(peer.credentials == nil && peer.basicAuthorization == nil)
    }

    @Test func userInfoIsKeptForBasicAuthAndHiddenInText() throws {
        let peer = try PeerURL(parsing: "http://eureka:p%40ss:w@rd@eureka-2:8761/eureka/")
        // User info ends at the last `@`; the password keeps its other `@` and `:` characters.
        #expect(peer.credentials == PeerURL.Credentials(user: "eureka", password: "p@ss:w@rd"))
        #expect(peer.host == "eureka-2")
        #expect(peer.basicAuthorization == "Basic ZXVyZWthOnBAc3M6d0ByZA==")  // base64("eureka:p@ss:w@rd")
        #expect(peer.description == "http://eureka:***@eureka-2:8761/eureka/")
        #expect(peer.url == "http://eureka:p%40ss:w@rd@eureka-2:8761/eureka/")
        #expect(try PeerURL(parsing: "http://user@h/").credentials == PeerURL.Credentials(user: "user", password: ""))
        #expect(try PeerURL(parsing: "http://@h/").credentials == nil)
    }

    @Test func hostHeaderAndBatchPath() throws {
        #expect(try PeerURL(parsing: "http://[::1]:8761/eureka").hostHeader == "[::1]:8761")
        #expect(try PeerURL(parsing: "http://eureka-2:80/eureka").hostHeader == "eureka-2")
        #expect(try PeerURL(parsing: "http://eureka-2:8761/eureka").batchPath == "/eureka/peerreplication/batch/")
        #expect(try PeerURL(parsing: "http://eureka-2:8761").batchPath == "/peerreplication/batch/")
    }

    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy"),
                      ("\u{FF}é", "w7/DqQ==")])
    func base64FollowsRFC4648(_ input: String, _ output: String) {
        #expect(Base64.encode(input.utf8) == output)
    }

    @Test func httpsIsAConfigurationErrorNamingTheURL() {
        #expect(throws: PeerURLError.httpsNotSupported("https://eureka-2:8761/eureka/")) {
            try PeerURL(parsing: "https://eureka-2:8761/eureka/")
        }
        #expect(throws: PeerURLError.httpsNotSupported("HTTPS://u:***@eureka-2/")) { try PeerURL(parsing: "HTTPS://u:secret@eureka-2/") }
    }

    @Test(arguments: [
        "eureka-2:8761/eureka/", "//eureka-2/", "ftp://eureka-2/", "http:/eureka-2/", "http://", "http:///eureka/",
        "http://:8761/eureka/", "http://eureka-2:0/", "http://eureka-2:65536/", "http://eureka-2:80x/", "http://eureka-2:-1/",
        "http://eureka-2:1:2/", "http://::1:8761/", "http://[::1/", "http://[zz]:80/", "http://[::1]x/", "http://eu reka/",
        "http://eu%41/", "http://eureka-2/eu reka/", "http://eureka-2/x?zone=a", "http://eureka-2/x#f", "http://u:%zz@eureka-2/",
        "http://eureka-2/caf\u{E9}/",
    ])
    func malformedURLsAreErrorsNamingThem(_ text: String) {
        // Named with any password hidden: `http://u:%zz@eureka-2/` shows as `http://u:***@eureka-2/`.
        do {
            _ = try PeerURL(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            guard case .malformed(let shown, _) = error else { Issue.record("\(text): \(error)"); return }
            #expect(shown == PeerURL.redacted(text))
        }
    }

    @Test func theListIsSplitTrimmedAndDeduplicatedInOrder() throws {
        let entries = ["http://a:1/eureka/, http://b:2/eureka/,,  ", " http://c:3/eureka/\n,\thttp://a:1/eureka", ""]
        #expect(try PeerURLs.parse(entries).map(\.url) == ["http://a:1/eureka/", "http://b:2/eureka/", "http://c:3/eureka/"])
        #expect(try PeerURLs.parse([]).isEmpty)
        #expect(throws: PeerURLError.httpsNotSupported("https://c:3/")) { try PeerURLs.parse(["http://a:1/,https://c:3/"]) }
    }

    // MARK: self-exclusion

    private let interfaces = ["127.0.0.1", "::1", "10.1.2.3", "fe80::1"]

    private func isThisNode(_ url: String, address: String? = nil, port: Int = 8761, myUrl: String? = nil) throws -> Bool {
        let node = ThisNode(myUrl: myUrl, port: port,
                            names: NodeNames(hostName: "node-a", serverAddress: address, interfaceAddresses: interfaces))
        return node.isThisNode(try PeerURL(parsing: url))
    }

    @Test func withMyUrlOnlyThatURLIsThisNode() throws {
        let myUrl = "http://node-a:8761/eureka"
        #expect(try isThisNode("http://node-a:8761/eureka/", myUrl: myUrl))
        #expect(try isThisNode("http://node-a:8761/eureka", myUrl: myUrl + "/"))
        #expect(try !isThisNode("http://localhost:8761/eureka/", myUrl: myUrl))
        #expect(try !isThisNode("http://node-a:8761/other/", myUrl: myUrl))
        #expect(try isThisNode("http://localhost:8761/eureka/", myUrl: " "))  // blank: the host and port rule applies
        #expect(try isThisNode("http://node-a:8761/eureka/", myUrl: " http://node-a:8761/eureka/\n"))
    }

    @Test(arguments: [
        ("http://node-a:8761/eureka/", true), ("http://NODE-A:8761/", true), ("http://node-a:8762/eureka/", false),
        ("http://node-a/eureka/", false), ("http://localhost:8761/", true), ("http://127.0.0.1:8761/", true),
        ("http://127.0.0.2:8761/", true), ("http://[::1]:8761/", true), ("http://[0:0:0:0:0:0:0:1]:8761/", true),
        ("http://[::ffff:127.0.0.1]:8761/", true), ("http://10.1.2.3:8761/", true), ("http://[FE80::1]:8761/", true),
        ("http://10.1.2.4:8761/", false), ("http://node-b:8761/", false), ("http://localhost:8762/", false),
    ])
    func wildcardAddressMeansEveryLocalNameOnThisPort(_ url: String, _ isSelf: Bool) throws {
        #expect(try isThisNode(url) == isSelf)
        #expect(try isThisNode(url, address: "0.0.0.0") == isSelf)
        #expect(try isThisNode(url, address: "::") == isSelf)
        #expect(try isThisNode(url, address: "[::]") == isSelf)
    }

    @Test func theDefaultPortIs80() throws {
        #expect(try isThisNode("http://node-a/eureka/", port: 80))
        #expect(try !isThisNode("http://node-a:8761/eureka/", port: 80))
    }

    @Test func aSpecificAddressAddsOnlyItself() throws {
        #expect(try isThisNode("http://10.1.2.3:8761/", address: "10.1.2.3"))
        #expect(try isThisNode("http://node-a:8761/", address: "10.1.2.3"))
        #expect(try !isThisNode("http://localhost:8761/", address: "10.1.2.3"))
        #expect(try !isThisNode("http://127.0.0.1:8761/", address: "10.1.2.3"))
        #expect(try !isThisNode("http://[fe80::1]:8761/", address: "10.1.2.3"))
    }

    @Test func aLoopbackAddressAddsLocalhost() throws {
        #expect(try isThisNode("http://127.0.0.1:8761/", address: "127.0.0.1"))
        #expect(try isThisNode("http://LocalHost:8761/", address: "127.0.0.1"))
        #expect(try !isThisNode("http://10.1.2.3:8761/", address: "127.0.0.1"))
        #expect(try isThisNode("http://[::1]:8761/", address: "::1"))
        #expect(try isThisNode("http://localhost:8761/", address: "::1"))
    }

    @Test func severalNodesOnOneHostArePeersOfEachOther() throws {
        let names = NodeNames(hostName: "localhost", serverAddress: "0.0.0.0", interfaceAddresses: interfaces)
        let entries = ["http://localhost:8761/eureka/,http://localhost:8762/eureka/,http://127.0.0.1:8763/eureka/"]
        let peers = try PeerURLs.peers(entries, excluding: ThisNode(myUrl: nil, port: 8762, names: names))
        #expect(peers.map(\.port) == [8761, 8763])
    }

    @Test func theMachinesOwnInterfacesIncludeLoopback() {
        let addresses = LocalAddresses.all()
        #expect(addresses.contains("127.0.0.1"))
        #expect(addresses.allSatisfy { !$0.contains("%") })
        let names = NodeNames.local(hostName: "no-such-name", serverAddress: "0.0.0.0")
        for address in addresses { #expect(names.contains(address)) }
    }
}
