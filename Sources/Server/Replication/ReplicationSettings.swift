/// What replication needs from the configuration (spec 7.6, 7.8, 9.1); Node builds it from ServerConfig.
struct ReplicationSettings: Sendable {
    var dispatcher = BatchDispatcher.Settings()
    /// 7.7: adopt a peer's newer record from a 409.
    var syncWhenTimestampDiffers = true
    /// Anti-entropy rounds with every peer (docs/anti-entropy.md); nil is off.
    var antiEntropy: AntiEntropyPeer.Settings?
}
