@testable import Server
import Testing

/// Profiles as Spring clusters use them: documents selected by `spring.profiles` or
/// `spring.config.activate.on-profile`, `application-{profile}.yml` files, activated by flag or environment.
@Suite struct ProfileTests {
    /// Spring Cloud's peer-awareness set-up: one file, two documents, one per peer (http and ports here).
    static let twoPeers = """
        eureka:
          server:
            registry-sync-retry-wait-ms: 100
        ---
        spring:
          profiles: peer1
        server:
          port: 8761
        eureka:
          instance:
            hostname: peer1
          client:
            serviceUrl:
              defaultZone: http://peer2:8762/eureka/
        ---
        spring:
          config:
            activate:
              on-profile: peer2
        server:
          port: 8762
        eureka:
          instance:
            hostname: peer2
          client:
            serviceUrl:
              defaultZone: http://peer1:8761/eureka/
        """

    @Test func twoPeersInOneFile() throws {
        let fixture = try ConfigFixture(["application.yml": Self.twoPeers])
        let peer1 = try fixture.load(["--spring.profiles.active=peer1"])
        #expect(peer1.profiles == ["peer1"])
        #expect(peer1.config.port == 8761)
        #expect(peer1.config.instanceHostname == "peer1")
        #expect(peer1.config.serviceUrlDefaultZone == ["http://peer2:8762/eureka/"])
        #expect(peer1.config.registrySyncRetryWaitMs == 100)
        #expect(peer1.source(of: "eureka.instance.hostname") == .file(path: "application.yml", line: 11))

        let peer2 = try fixture.load([], environment: ["SPRING_PROFILES_ACTIVE": "peer2"])
        #expect(peer2.config.port == 8762)
        #expect(peer2.config.instanceHostname == "peer2")
        #expect(peer2.config.serviceUrlDefaultZone == ["http://peer1:8761/eureka/"])
        #expect(peer2.source(of: "server.port") == .file(path: "application.yml", line: 21))

        let neither = try fixture.load()
        #expect(neither.profiles == ["default"])
        #expect(neither.config.instanceHostname == nil)
        #expect(neither.config.registrySyncRetryWaitMs == 100)
    }

    @Test func theFlagBeatsTheEnvironmentForTheActiveProfiles() throws {
        let fixture = try ConfigFixture(["application.yml": Self.twoPeers])
        let loaded = try fixture.load(["--spring.profiles.active=peer1"], environment: ["SPRING_PROFILES_ACTIVE": "peer2"])
        #expect(loaded.config.instanceHostname == "peer1")
        #expect(loaded.source(of: "spring.profiles.active") == .flag("--spring.profiles.active"))
    }

    @Test func laterDocumentsAndLaterProfilesWin() throws {
        let fixture = try ConfigFixture(["application.yml": """
            eureka.environment: base
            ---
            spring.config.activate.on-profile: a
            eureka.environment: from-a
            ---
            spring.config.activate.on-profile: b
            eureka.environment: from-b
            ---
            eureka.environment: last-unconditional
            spring.application.name: x
            """])
        #expect(try fixture.load(["--spring.profiles.active=a"]).config.environment == "last-unconditional")
        #expect(try fixture.load(["--spring.profiles.active=a,b"]).config.applicationName == "X")
        let files = try ConfigFixture([
            "application.yml": "eureka.environment: plain\n---\nspring.profiles: a\neureka.environment: doc-a\n",
            "application-a.yml": "eureka.environment: file-a\nserver.port: 1\n",
            "application-b.properties": "server.port=2\n",
            "config/application-a.yml": "eureka.dashboard.path: /a\n",
        ])
        let both = try files.load(["--spring.profiles.active=a,b"])
        #expect(both.config.environment == "file-a")
        #expect(both.config.port == 2)
        #expect(both.config.dashboardPath == "/a")
        #expect(both.files == ["application.yml", "application-a.yml", "config/application-a.yml", "application-b.properties"])
    }

    @Test func profilesActivatedFromTheFileAndIncluded() throws {
        let fixture = try ConfigFixture([
            "application.yml": "spring.profiles.active: peer1\nspring.profiles.include: common\n",
            "application-peer1.yml": "server.port: 1\n",
            "application-common.yml": "server.port: 9\neureka.environment: common\n",
        ])
        let loaded = try fixture.load()
        #expect(loaded.profiles == ["common", "peer1"])
        #expect(loaded.config.port == 1)
        #expect(loaded.config.environment == "common")
        #expect(try fixture.load([], environment: ["SPRING_PROFILES_ACTIVE": "other"]).profiles == ["common", "other"])
    }

    @Test func theDefaultProfileAppliesWhenNoneIsActive() throws {
        let fixture = try ConfigFixture(["application-default.yml": "server.port: 7\n", "application.yml": "---\nspring.profiles: default\neureka.environment: d\n"])
        let loaded = try fixture.load()
        #expect(loaded.config.port == 7)
        #expect(loaded.config.environment == "d")
        #expect(try fixture.load(["--spring.profiles.active=x"]).config.port == 8761)
    }

    @Test(arguments: [
        ("peer1", ["peer1"], true), ("!peer1", ["peer1"], false), ("!peer1", ["x"], true),
        ("a & b", ["a", "b"], true), ("a & b", ["a"], false), ("a | b", ["b"], true), ("a,b", ["b"], true),
        ("(a | b) & !c", ["a"], true), ("(a | b) & !c", ["a", "c"], false), ("!(a & b)", ["a"], true),
    ])
    func expressionsMatchAsSpringsDo(expression: String, active: [String], matches: Bool) throws {
        #expect(try ProfileExpression.matches(expression, active: active) == matches)
    }

    @Test(arguments: ["a & b | c", "(a", "a &", "", "& a", "a b"])
    func badExpressionsAreErrors(expression: String) {
        #expect(throws: ConfigError.badProfileExpression(expression)) { try ProfileExpression.matches(expression, active: ["a"]) }
    }

    @Test func aBadExpressionInAFileNamesTheLine() throws {
        let fixture = try ConfigFixture(["application.yml": "server.port: 1\n---\nspring.config.activate.on-profile: a & b | c\n"])
        #expect(fixture.error() == .located(.badProfileExpression("a & b | c"), .file(path: "application.yml", line: 3)))
    }

    @Test func aProfileSpecificDocumentCannotActivateProfiles() throws {
        let document = try ConfigFixture(["application.yml": "---\nspring.profiles: a\nspring.profiles.active: b\n"])
        #expect(document.error(["--spring.profiles.active=a"]) == .located(.unusableValue(
            name: "spring.profiles.active", value: "b", reason: "profiles cannot be activated from a profile-specific document or file"),
            .file(path: "application.yml", line: 3)))
        let file = try ConfigFixture(["application-a.properties": "spring.profiles.include=b\n"])
        #expect(file.error(["--spring.profiles.active=a"])?.problem == .unusableValue(
            name: "spring.profiles.include", value: "b", reason: "profiles cannot be activated from a profile-specific document or file"))
    }

    @Test func cloudPlatformDocuments() throws {
        let fixture = try ConfigFixture(["application.yml": """
            eureka.environment: anywhere
            ---
            spring.config.activate.on-cloud-platform: kubernetes
            eureka.environment: k8s
            ---
            spring.config.activate.on-cloud-platform: none
            server.port: 1
            """])
        let kubernetes = try fixture.load([], environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"])
        #expect(kubernetes.config.environment == "k8s")
        #expect(kubernetes.config.port == 8761)
        let plain = try fixture.load()
        #expect(plain.config.environment == "anywhere")
        #expect(plain.config.port == 1)
        let bad = try ConfigFixture(["application.yml": "spring.config.activate.on-cloud-platform: mainframe\n"])
        #expect(bad.error()?.problem == .badValue(name: "spring.config.activate.on-cloud-platform", value: "mainframe"))
    }

    /// Unknown keys in our namespaces fail in every document, selected or not.
    @Test func aTypoInAnInactiveDocumentStillFails() throws {
        let fixture = try ConfigFixture(["application.yml": "---\nspring.profiles: peer2\neureka:\n  server:\n    enable-self-preservaton: false\n"])
        #expect(fixture.error(["--spring.profiles.active=peer1"])
            == .located(.unknownSetting("eureka.server.enable-self-preservaton"), .file(path: "application.yml", line: 5)))
    }
}
