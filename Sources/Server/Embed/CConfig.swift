import CEurekaServer

/// The object behind `eureka_config *`: the settings of the command line, set one `name=value` at a time
/// through ConfigLoader, so names, values and messages are exactly those of `eureka-server --name=value`.
final class EmbeddedConfig {
    private var binding = ConfigBinding()
    var config: ServerConfig { binding.config }

    static func borrow(_ pointer: OpaquePointer) -> EmbeddedConfig {
        Unmanaged<EmbeddedConfig>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    /// Applies one setting to a copy, checks what only the node can (peer URLs), then keeps it.
    /// Stricter than a config file: a key this node does not know is an error here, not a warning (a host's
    /// typo should not pass silently).
    func set(_ name: String, _ value: String) throws(EmbedFailure) {
        var changed = binding
        do throws(ConfigError) {
            guard SettingKeys.byRelaxedName[SettingKeys.relaxed(name)] != nil else { throw ConfigError.unknownSetting(name) }
            try changed.apply(key: name, value: value, source: .host("eureka_config_set"))
            try EurekaNode.validate(changed.config)
        } catch {
            throw EmbedFailure(error)
        }
        binding = changed
    }
}

@_spi(C) @c(eureka_config_new)
public func eurekaConfigNew(_ config: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    reportingFailure { () throws(EmbedFailure) in
        try CArguments.out(config, "config").pointee = OpaquePointer(Unmanaged.passRetained(EmbeddedConfig()).toOpaque())
    }
}

@_spi(C) @c(eureka_config_set)
public func eurekaConfigSet(_ config: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> Int32 {
    reportingFailure { () throws(EmbedFailure) in
        guard let config else { throw .invalid("config is NULL") }
        try EmbeddedConfig.borrow(config).set(try CArguments.text(name, "name"), try CArguments.text(value, "value"))
    }
}

@_spi(C) @c(eureka_config_free)
public func eurekaConfigFree(_ config: OpaquePointer?) -> Int32 {
    reportingFailure { () throws(EmbedFailure) in
        guard let config else { throw .invalid("config is NULL") }
        Unmanaged<EmbeddedConfig>.fromOpaque(UnsafeRawPointer(config)).release()
    }
}
