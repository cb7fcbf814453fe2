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

    /// User and password as the check sees them, or nil.
    private func decoded(_ header: String) -> (String, String)? {
        BasicCredentials.withDecoded(ArraySlice(header.utf8)) { user, password in
            (String(decoding: user, as: UTF8.self), String(decoding: password, as: UTF8.self))
        }
    }

    @Test func basicHeaderGivesUserAndPasswordSplitAtTheFirstColon() throws {
        let pair = try #require(decoded("Basic " + Base64.encode(Array("app:pa:ss".utf8))))
        #expect(pair.0 == "app" && pair.1 == "pa:ss")
        // An empty password decodes (and then matches nothing: stored passwords are never empty).
        let empty = try #require(decoded("Basic " + Base64.encode(Array("app:".utf8))))
        #expect(empty.0 == "app" && empty.1 == "")
        // The scheme is case-insensitive; extra blanks around the token are tolerated.
        #expect(decoded("bAsIc   " + Base64.encode(Array("a:b".utf8)) + " ")?.1 == "b")
    }

    @Test func malformedBasicHeadersAreNoCredentials() {
        for header in ["Bearer abc", "Basic", "Basic ", "Basic !!!!", "Basic " + Base64.encode(Array("nocolon".utf8)),
                       "BasicdXNlcjpwYXNz", "Digest username=\"u\"", "Basic dXNlcjpwYXNz=", "Basic ====", "Basic dXNl=jpw"] {
            #expect(decoded(header) == nil, "\(header)")
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
        Array(user.utf8).withUnsafeBufferPointer { user in
            Array(password.utf8).withUnsafeBufferPointer { password in store.roles(user: user, password: password) }
        }
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
