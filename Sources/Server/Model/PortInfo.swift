/// A port and its enabled flag: `{"$":8080,"@enabled":"true"}` / `<port enabled="true">8080</port>` (spec 3.3).
struct PortInfo: Sendable, Equatable {
    var number: Int
    var enabled: Bool

    init(number: Int, enabled: Bool) {
        self.number = number
        self.enabled = enabled
    }

    static let defaultPort = PortInfo(number: 7001, enabled: true)
    static let defaultSecurePort = PortInfo(number: 7002, enabled: false)
}
