extension EurekaNode {
    /// The checks of settings whose parser lives outside Config (which imports nothing of ours): run by
    /// `eureka-server` right after `ConfigLoader.load`, so a failure is a bad setting (exit code 2, spec 9) and
    /// not a failed start. Today: every peer URL, of `defaultZone` and of every other zone, must be a usable http URL
    /// (spec 7.1), and the snapshot path must be writable (docs/warm-restart.md).
    public static func validate(_ config: ServerConfig) throws(ConfigError) {
        for (setting, urls) in config.serviceURLSettings {
            do {
                _ = try PeerURLs.parse(urls)
            } catch {
                throw ConfigError.unusableValue(name: setting, value: error.url, reason: error.reason)
            }
        }
        // Warm restart: a path that can never be written is a configuration error, not a warning an hour later.
        if !config.snapshotPath.isEmpty, let problem = SnapshotFile.problem(with: config.snapshotPath) {
            throw ConfigError.unusableValue(name: "eureka.node.snapshot-path", value: config.snapshotPath, reason: problem)
        }
        // Anti-entropy: a tombstone must outlive the rounds that read it, or a lost cancel looks like a lost register.
        if config.antiEntropyIntervalMs > 0, config.antiEntropyTombstoneMs < 2 * config.antiEntropyIntervalMs {
            throw ConfigError.unusableValue(name: "eureka.node.anti-entropy-tombstone-ms", value: String(config.antiEntropyTombstoneMs),
                                            reason: "must be at least twice eureka.node.anti-entropy-interval-ms")
        }
    }
}
