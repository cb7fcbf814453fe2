/// A port and its enabled flag: `{"$":8080,"@enabled":"true"}` / `<port enabled="true">8080</port>` (spec 3.3).
public struct PortInfo: Sendable, Equatable {
    public var number: Int
    public var enabled: Bool

    public init(number: Int, enabled: Bool) {
        self.number = number
        self.enabled = enabled
    }

    public static let defaultPort = PortInfo(number: 7001, enabled: true)
    public static let defaultSecurePort = PortInfo(number: 7002, enabled: false)
}
