@testable import Server
import Testing

/// The pieces of the check: strict base64, the Basic header, the constant-time store, the class table.
@Suite struct CredentialCheckTests {
    @Test func base64DecodesWhatItEncodesAndRefusesMalformedText() {
        for text in ["", "a", "ab", "abc", "user:pass", "üñí:cödé", String(repeating: "x", count: 100)] {
            let encoded = Base64.encode(Array(text.utf8))
            #expect(Base64.decode(ArraySlice(encoded.utf8)) == Array(text.utf8))
        }
        for bad in ["abc", "ab=c", "a===", "ab cd", "ab\u{0}d", "@@@@", "abcd=", "====", "ab==cdef"] {
            #expect(Base64.decode(ArraySlice(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func basicHeaderGivesUserAndPasswordSplitAtTheFirstColon() throws {
        let header = "Basic " + Base64.encode(Array("app:pa:ss".utf8))
        let decoded = try #require(BasicCredentials.decode(ArraySlice(header.utf8)))
        #expect(Array(decoded.bytes[..<decoded.colon]) == Array("app".utf8))
        #expect(Array(decoded.bytes[(decoded.colon + 1)...]) == Array("pa:ss".utf8))
        // The scheme is case-insensitive; extra blanks around the token are tolerated.
        #expect(BasicCredentials.decode(ArraySlice(("bAsIc   " + Base64.encode(Array("a:b".utf8)) + " ").utf8)) != nil)
    }

    @Test func malformedBasicHeadersAreNoCredentials() {
        for header in ["Bearer abc", "Basic", "Basic ", "Basic !!!!", "Basic " + Base64.encode(Array("nocolon".utf8)),
                       "BasicdXNlcjpwYXNz", "Digest username=\"u\""] {
            #expect(BasicCredentials.decode(ArraySlice(header.utf8)) == nil, "\(header)")
        }
    }

    private func store() -> CredentialStore {
        var settings = SecuritySettings()
        settings.springUserPassword = "root-pw"
        settings.writers = [.init(user: "app", password: "app-pw"), .init(user: "shared", password: "w")]
        settings.readers = [.init(user: "shared", password: "r"), .init(user: "app", password: "app-pw")]
        settings.peers = [.init(user: "peer", password: "peer-pw")]
        return CredentialStore(settings)
    }

    private func roles(_ store: CredentialStore, _ user: String, _ password: String) -> Roles {
        store.roles(user: ArraySlice(user.utf8), password: ArraySlice(password.utf8))
    }

    @Test func storeGrantsTheRolesOfEveryMatchingEntryAndNothingElse() {
        let store = store()
        #expect(roles(store, "user", "root-pw") == .all)  // Spring's default name
        #expect(roles(store, "app", "app-pw") == [.writer, .reader])
        #expect(roles(store, "shared", "w") == .writer)
        #expect(roles(store, "shared", "r") == .reader)
        #expect(roles(store, "peer", "peer-pw") == .peer)
        #expect(roles(store, "peer", "peer-pw ").isEmpty)
        #expect(roles(store, "peer", "peer-p").isEmpty)
        #expect(roles(store, "peer", "").isEmpty)
        #expect(roles(store, "", "peer-pw").isEmpty)
        #expect(roles(store, "nobody", "peer-pw").isEmpty)
        #expect(roles(store, "PEER", "peer-pw").isEmpty)
        // A password that repeats the stored one (the comparison wraps around the stored bytes) is still wrong.
        #expect(roles(store, "peer", "peer-pwpeer-pw").isEmpty)
        #expect(roles(store, "app", "app-pwa").isEmpty)
    }

    @Test func everyEndpointFallsInItsAccessClass() {
        typealias C = AccessPolicy.AccessClass
        let table: [(Endpoint?, HTTPMethod, Bool, C)] = [
            (.health, .get, false, .open), (.health, .get, true, .open),
            (.apps, .get, false, .read), (.delta, .get, false, .read), (.app("A"), .get, false, .read),
            (.instance(app: "A", id: "i"), .get, false, .read), (.instanceById("i"), .get, false, .read),
            (.vip("v"), .get, false, .read), (.svip("v"), .head, false, .read), (nil, .get, false, .read),
            (.app("A"), .post, false, .write), (.instance(app: "A", id: "i"), .put, false, .write),
            (.instance(app: "A", id: "i"), .delete, false, .write), (.instanceStatus(app: "A", id: "i"), .put, false, .write),
            (.instanceStatus(app: "A", id: "i"), .delete, false, .write), (.instanceMetadata(app: "A", id: "i"), .put, false, .write),
            (.asgStatus("g"), .put, false, .write),
            (.peerReplicationBatch, .post, false, .replication), (.app("A"), .post, true, .replication),
            (.instance(app: "A", id: "i"), .put, true, .replication), (.apps, .get, true, .replication),
            (.dashboard, .get, false, .operate), (.status, .get, false, .operate), (.statusOverrides, .get, false, .operate),
            (.metrics, .get, false, .operate), (.info, .get, false, .operate),
        ]
        for (endpoint, method, replicated, expected) in table {
            #expect(AccessPolicy.accessClass(endpoint, method, replicated: replicated) == expected,
                    "\(String(describing: endpoint)) \(method.name) replicated=\(replicated)")
        }
    }

    @Test func noCredentialConfiguredMeansNoPolicy() {
        #expect(AccessPolicy(SecuritySettings()) == nil)
    }
}
