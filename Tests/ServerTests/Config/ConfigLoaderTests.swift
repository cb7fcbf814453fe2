@testable import Server
import Testing

@Suite struct ConfigLoaderTests {
    @Test func defaultsAreNetflixOrOurs() throws {
        let config = try ConfigLoader.load(arguments: [])
        #expect(config.port == 8761)
        #expect(config.evictionIntervalTimerInMs == 60_000)
        #expect(config.renewalPercentThreshold == 0.85)
        #expect(config.responseCacheUpdateIntervalMs == 30_000)
        #expect(config.registrySyncRetries == 5)
        #expect(config.peerNodeReadTimeoutMs == 5_000)
        #expect(config.defaultOpenForTrafficCount == 1)
        #expect(config.maxRequestBodyBytes == 1_048_576)
    }

    @Test func kebabAndCamelCaseNameTheSameSetting() throws {
        let kebab = try ConfigLoader.load(arguments: ["--eureka.server.retention-time-in-m-s-in-delta-queue=3000"])
        let camel = try ConfigLoader.load(arguments: ["--eureka.server.retentionTimeInMSInDeltaQueue=3000"])
        #expect(kebab.retentionTimeInMSInDeltaQueue == 3_000)
        #expect(kebab == camel)
        let zone = try ConfigLoader.load(arguments: ["--eureka.client.serviceUrl.defaultZone=http://a:1/eureka/, http://b:2/eureka/"])
        #expect(zone.serviceUrlDefaultZone == ["http://a:1/eureka/", "http://b:2/eureka/"])
    }

    @Test func everyIssueListedSettingIsKnown() throws {
        let arguments = [
            "--server.port=1", "--eureka.server.eviction-interval-timer-in-ms=1", "--eureka.server.enable-self-preservation=FALSE",
            "--eureka.server.renewal-percent-threshold=1", "--eureka.server.renewal-threshold-update-interval-ms=5",
            "--eureka.server.expected-client-renewal-interval-seconds=0", "--eureka.server.delta-retention-timer-interval-in-ms=7",
            "--eureka.server.retention-time-in-m-s-in-delta-queue=0", "--eureka.server.response-cache-update-interval-ms=9",
            "--eureka.server.response-cache-auto-expiration-in-seconds=10", "--eureka.server.use-read-only-response-cache=false",
            "--eureka.server.wait-time-in-ms-when-sync-empty=0", "--eureka.client.service-url.defaultZone=http://x:1/eureka/",
            "--eureka.client.register-with-eureka=false", "--eureka.client.fetch-registry=false",
        ]
        let config = try ConfigLoader.load(arguments: arguments)
        #expect(config.port == 1)
        #expect(config.enableSelfPreservation == false)
        #expect(config.useReadOnlyResponseCache == false)
        #expect(config.renewalThresholdUpdateIntervalMs == 5)
    }

    @Test(arguments: [
        ("--eureka.server.no-such-setting=1", ConfigError.located(.unknownSetting("eureka.server.no-such-setting"), .flag("--eureka.server.no-such-setting"))),
        ("--eureka.node.no-such-setting=1", ConfigError.located(.unknownSetting("eureka.node.no-such-setting"), .flag("--eureka.node.no-such-setting"))),
        ("--eureka.server.eviction-interval-timer-in-ms=0",
         ConfigError.located(.badValue(name: "eureka.server.eviction-interval-timer-in-ms", value: "0"), .flag("--eureka.server.eviction-interval-timer-in-ms"))),
        ("--eureka.server.renewal-percent-threshold=1.5",
         ConfigError.located(.badValue(name: "eureka.server.renewal-percent-threshold", value: "1.5"), .flag("--eureka.server.renewal-percent-threshold"))),
        ("--eureka.server.enable-self-preservation=yes",
         ConfigError.located(.badValue(name: "eureka.server.enable-self-preservation", value: "yes"), .flag("--eureka.server.enable-self-preservation"))),
        ("--server.port=70000", ConfigError.located(.badValue(name: "server.port", value: "70000"), .flag("--server.port"))),
        ("--eureka.client.fetch-registry=maybe",
         ConfigError.located(.badValue(name: "eureka.client.fetch-registry", value: "maybe"), .flag("--eureka.client.fetch-registry"))),
        ("server.port=1", ConfigError.malformedArgument("server.port=1")),
        ("--server.port", ConfigError.malformedArgument("--server.port")),
    ])
    func badInputNamesItselfAndTheFlag(argument: String, error: ConfigError) {
        #expect(throws: error) { try ConfigLoader.load(arguments: [argument]) }
    }

    @Test func theMessageSaysWhereTheValueCameFrom() {
        let error = ConfigError.located(.badValue(name: "server.port", value: "x"), .file(path: "config/application.yml", line: 7))
        #expect(error.description == "config/application.yml:7: bad value 'x' for setting 'server.port'")
        #expect(ConfigError.located(.unknownSetting("eureka.node.x"), .environment(variable: "EUREKA_NODE_X")).description
            == "environment EUREKA_NODE_X: unknown setting 'eureka.node.x'")
        #expect(error.problem == .badValue(name: "server.port", value: "x"))
    }

    /// The path an embedding host takes: pairs applied one by one, each with its own source label.
    @Test func aHostAppliesPairsWithItsOwnSource() throws {
        var binding = ConfigBinding()
        try binding.apply(key: "server.port", value: "0", source: .host("eureka_config_set"))
        try binding.apply(key: "eureka.server.enableSelfPreservation", value: "false", source: .host("eureka_config_set"))
        try binding.apply(key: "spring.cloud.config.enabled", value: "false", source: .host("eureka_config_set"))
        #expect(binding.config.port == 0)
        #expect(binding.config.enableSelfPreservation == false)
        #expect(binding.source(of: "eureka.server.enable-self-preservation") == .host("eureka_config_set"))
        #expect(binding.source(of: "server.address") == .defaultValue)
        #expect(binding.warnings == ["eureka_config_set: spring.cloud.config.enabled is ignored: no such setting here"])
        #expect(throws: ConfigError.located(.unknownSetting("eureka.node.typo"), .host("h"))) {
            try binding.apply(key: "eureka.node.typo", value: "1", source: .host("h"))
        }
    }

    /// Every setting has one environment name, and no two settings share one.
    @Test func environmentNamesAreUnique() {
        #expect(SettingKeys.byEnvironmentName.count == SettingKeys.all.count)
        #expect(SettingKeys.byRelaxedName.count == SettingKeys.all.count)
    }
}
