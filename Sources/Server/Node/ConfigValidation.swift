extension EurekaNode {
    /// The checks of settings whose parser lives outside Config (which imports nothing of ours): run by
    /// `eureka-server` right after `ConfigLoader.load`, so a failure is a bad setting (exit code 2, spec 9) and
    /// not a failed start. Today: every peer URL, of `defaultZone` and of every other zone, must be a usable http URL (spec 7.1).
    public static func validate(_ config: ServerConfig) throws(ConfigError) {
        for (setting, urls) in config.serviceURLSettings {
            do {
                _ = try PeerURLs.parse(urls)
            } catch {
                throw ConfigError.unusableValue(name: setting, value: error.url, reason: error.reason)
            }
        }
    }
}
