/// Who may call the node (issue 18): Spring Boot's single user (`spring.security.user.*`, accepted everywhere), and
/// our credential lists by role (`eureka.node.security.*`). Nothing configured: authentication is off.
public struct SecuritySettings: Sendable, Equatable {
    /// A user name and its password, as a client sends them in `Authorization: Basic`.
    public struct Credential: Sendable, Equatable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    /// nil: Spring's default name `user`, once a password is set.
    public var springUserName: String?
    public var springUserPassword: String?
    public var writers: [Credential] = []
    public var readers: [Credential] = []
    public var peers: [Credential] = []
    public var operators: [Credential] = []

    public init() {}

    /// Spring Boot's user: a password is what turns it on; the name defaults to `user`.
    public var springUser: Credential? {
        springUserPassword.map { Credential(user: springUserName ?? "user", password: $0) }
    }

    public var isEnabled: Bool {
        springUser != nil || !writers.isEmpty || !readers.isEmpty || !peers.isEmpty || !operators.isEmpty
    }

    /// A name without a password would leave the node open while its configuration looks secured (Spring would
    /// make up a password and log it; we log no password): refused, as a bad setting.
    public func check() throws(ConfigError) {
        if springUserName != nil, springUserPassword == nil {
            throw ConfigError.unusableValue(name: "spring.security.user.name", value: springUserName ?? "",
                                            reason: "set spring.security.user.password too (a name alone secures nothing)")
        }
    }

    /// What `--print-config` and logs show of a password.
    static let mask = "******"

    /// `user:password` items, comma-separated (a YAML list or indexed keys arrive joined by commas). The error
    /// names the item's position, never its text: it holds a password.
    static func parseList(_ name: String, _ text: String) throws(ConfigError) -> [Credential] {
        var credentials: [Credential] = []
        for (index, item) in text.split(separator: ",").map({ $0.trimmingSpaces }).enumerated() where !item.isEmpty {
            func refuse(_ reason: String) -> ConfigError {
                .unusableValue(name: name, value: "item \(index + 1), hidden", reason: reason)
            }
            guard let colon = item.firstIndex(of: ":") else { throw refuse("expected user:password") }
            let user = String(item[..<colon])
            let password = String(item[item.index(after: colon)...])
            guard !user.isEmpty else { throw refuse("empty user name") }
            guard !password.isEmpty else { throw refuse("empty password") }
            credentials.append(Credential(user: user, password: password))
        }
        return credentials
    }

    static func shown(_ credentials: [Credential]) -> String {
        credentials.map { "\($0.user):\(mask)" }.joined(separator: ",")
    }
}
