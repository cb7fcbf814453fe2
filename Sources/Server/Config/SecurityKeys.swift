/// The settings of SecuritySettings (issue 18). Values are never echoed: not in errors, not in `--print-config`.
extension SettingKeys {
    static let security: [SettingKey] = [
        SettingKey("spring.security.user.name", "Spring's user, accepted on every endpoint (default user once a password is set)",
                   read: { $0.security.springUserName ?? "" }) { config, text throws(ConfigError) in
            let name = String(text.trimmingSpaces)
            guard !name.isEmpty, !name.contains(":") else {
                throw ConfigError.unusableValue(name: "spring.security.user.name", value: name, reason: "a user name must be non-empty and hold no ':'")
            }
            config.security.springUserName = name
        },
        SettingKey("spring.security.user.password", "its password; setting it turns authentication on (shown masked)",
                   read: { $0.security.springUserPassword == nil ? "" : SecuritySettings.mask }) { config, text throws(ConfigError) in
            guard !text.isEmpty else {
                throw ConfigError.unusableValue(name: "spring.security.user.password", value: "", reason: "empty password; leave the setting out instead")
            }
            config.security.springUserPassword = text
        },
        credentials("eureka.node.security.writers", "user:password list: register, renew, cancel, status, metadata", \.writers),
        credentials("eureka.node.security.readers", "user:password list: registry reads (open when neither this nor the Spring user is set)", \.readers),
        credentials("eureka.node.security.peers", "user:password list: peer batches and replicated requests, reads and writes", \.peers),
        credentials("eureka.node.security.operators", "user:password list: dashboard, /status, metrics, info, /serverinfo", \.operators),
    ]

    private static func credentials(_ name: String, _ help: String,
                                    _ field: WritableKeyPath<SecuritySettings, [SecuritySettings.Credential]> & Sendable) -> SettingKey {
        SettingKey(name, help, isList: true, read: { SecuritySettings.shown($0.security[keyPath: field]) }) { config, text throws(ConfigError) in
            config.security[keyPath: field] = try SecuritySettings.parseList(name, text)
        }
    }
}
