@testable import Server
import Testing

/// `spring.security.user.*` and `eureka.node.security.*` through every source, checked and never echoed.
@Suite struct SecurityConfigTests {
    private func load(_ arguments: [String] = [], environment: [String: String] = [:]) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.load(ConfigInputs(arguments: arguments, environment: environment, workingDirectory: nil))
    }

    @Test func springUserFromFlagsWithItsDefaultName() throws {
        let security = try load(["--spring.security.user.password=s3cret"]).config.security
        #expect(security.springUser == .init(user: "user", password: "s3cret"))
        #expect(security.isEnabled)
        let named = try load(["--spring.security.user.name=eureka", "--spring.security.user.password=s3cret"]).config.security
        #expect(named.springUser == .init(user: "eureka", password: "s3cret"))
    }

    @Test func springUserFromTheEnvironmentIsAppliedNotIgnored() throws {
        let loaded = try load(environment: ["SPRING_SECURITY_USER_NAME": "eureka", "SPRING_SECURITY_USER_PASSWORD": "pw"])
        #expect(loaded.config.security.springUser == .init(user: "eureka", password: "pw"))
        #expect(!loaded.warnings.contains { $0.contains("spring.security") })
    }

    @Test func roleListsFromFlagsIndexedKeysAndEnvironment() throws {
        let flags = try load(["--eureka.node.security.writers=app:a1, svc:p:w", "--eureka.node.security.peers[0]=peer:x",
                              "--eureka.node.security.peers[1]=peer2:y"]).config.security
        #expect(flags.writers == [.init(user: "app", password: "a1"), .init(user: "svc", password: "p:w")])
        #expect(flags.peers == [.init(user: "peer", password: "x"), .init(user: "peer2", password: "y")])
        let environment = try load(environment: ["EUREKA_NODE_SECURITY_READERS": "r:1", "EUREKA_NODE_SECURITY_OPERATORS": "ops:2"])
            .config.security
        #expect(environment.readers == [.init(user: "r", password: "1")])
        #expect(environment.operators == [.init(user: "ops", password: "2")])
    }

    @Test func badItemsAreRefusedWithoutShowingThem() {
        for (item, reason) in [("nocolonsecret", "expected user:password"), (":secretpw", "empty user name"), ("app:", "empty password")] {
            do {
                _ = try load(["--eureka.node.security.writers=ok:fine," + item])
                Issue.record("accepted \(item)")
            } catch {
                let text = "\(error)"
                #expect(text.contains(reason) && text.contains("item 2"), "\(text)")
                #expect(!text.contains("secret") && !text.contains("fine"), "\(text)")
            }
        }
        #expect(throws: ConfigError.self) { try load(["--spring.security.user.password="]) }
        #expect(throws: ConfigError.self) { try load(["--spring.security.user.name=a:b", "--spring.security.user.password=x"]) }
    }

    @Test func aNameWithoutPasswordIsRefusedAtStart() throws {
        let config = try load(["--spring.security.user.name=eureka"]).config
        #expect(throws: ConfigError.self) { try config.security.check() }
        #expect(throws: (any Error).self) { _ = try EurekaNode(config: config) }
    }

    @Test func printConfigMasksEveryPassword() throws {
        let report = try load(["--spring.security.user.password=TopSecret1", "--eureka.node.security.writers=app:TopSecret2",
                               "--eureka.node.security.peers=peer:TopSecret3",
                               "--eureka.client.service-url.defaultZone=http://peer:TopSecret4@127.0.0.1:9/eureka/"]).report
        #expect(!report.contains("TopSecret"))
        #expect(report.contains("spring.security.user.password=******"))
        #expect(report.contains("eureka.node.security.writers=app:******"))
        #expect(report.contains("eureka.node.security.peers=peer:******"))
    }

    @Test func otherSpringSecurityKeysStillWarn() throws {
        let loaded = try load(["--spring.security.user.roles=ADMIN"])
        #expect(loaded.warnings.contains { $0.contains("spring.security.user.roles") && $0.contains("only user.name and user.password") })
    }

    @Test func theSettingsWorkThroughTheCEmbeddingConfig() throws {
        let embedded = EmbeddedConfig()
        try embedded.set("spring.security.user.password", "pw")
        try embedded.set("eureka.node.security.writers", "app:a")
        #expect(embedded.config.security.springUser == .init(user: "user", password: "pw"))
        #expect(embedded.config.security.writers == [.init(user: "app", password: "a")])
        #expect(throws: EmbedFailure.self) { try embedded.set("eureka.node.security.peers", "broken") }
    }
}
