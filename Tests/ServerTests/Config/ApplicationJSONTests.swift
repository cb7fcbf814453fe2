@testable import Server
import Testing

/// `SPRING_APPLICATION_JSON` (or `spring.application.json`): a JSON object of properties, above the environment
/// and the files and below the command line, as Spring Boot places it; flattened as Spring flattens it (nested
/// objects to dotted names, arrays to `name[i]`, `null` absent).
@Suite struct ApplicationJSONTests {
    @Test func sitsBetweenFlagsAndEnvironment() throws {
        let fixture = try ConfigFixture(["application.yml": """
            server:
              port: 1001
            eureka:
              server:
                renewal-percent-threshold: 0.5
            """])
        let json = #"{"server": {"port": 1004}, "eureka.server.eviction-interval-timer-in-ms": 2004}"#
        let environment = ["SERVER_PORT": "1002", "EUREKA_SERVER_EVICTIONINTERVALTIMERINMS": "2002", "SPRING_APPLICATION_JSON": json]
        let loaded = try fixture.load(environment: environment)
        #expect(loaded.config.port == 1004)
        #expect(loaded.source(of: "server.port") == .environment(variable: "SPRING_APPLICATION_JSON"))
        #expect(loaded.config.evictionIntervalTimerInMs == 2004)
        #expect(loaded.config.renewalPercentThreshold == 0.5)
        #expect(loaded.warnings.isEmpty)

        let flagged = try fixture.load(["--server.port=1003"], environment: environment)
        #expect(flagged.config.port == 1003)
        #expect(flagged.config.evictionIntervalTimerInMs == 2004)
    }

    @Test func nestedObjectsArraysAndScalarsFlattenAsSpringDoes() throws {
        let json = """
            {"eureka": {"client": {"service-url": {"defaultZone": ["http://a:8761/eureka/", "http://b:8762/eureka/"]}},
                        "server": {"enable-self-preservation": false, "renewalPercentThreshold": 0.25}},
             "spring.application.name": "registry"}
            """
        let loaded = try ConfigFixture().load(environment: ["SPRING_APPLICATION_JSON": json])
        #expect(loaded.config.serviceUrlDefaultZone == ["http://a:8761/eureka/", "http://b:8762/eureka/"])
        #expect(loaded.config.enableSelfPreservation == false)
        #expect(loaded.config.renewalPercentThreshold == 0.25)
        #expect(loaded.config.applicationName == "REGISTRY")
    }

    @Test func nullIsAbsentAndAnEmptyArrayEmptiesAList() throws {
        let fixture = try ConfigFixture(["application.yml": "eureka.client.service-url.defaultZone: http://a:8761/eureka/\n"])
        let json = #"{"server": {"port": null}, "eureka": {"client": {"service-url": {"defaultZone": []}}}}"#
        let loaded = try fixture.load(environment: ["SERVER_PORT": "1002", "SPRING_APPLICATION_JSON": json])
        #expect(loaded.config.port == 1002)
        #expect(loaded.config.serviceUrlDefaultZone.isEmpty)
    }

    /// Spring reads the first of the two it finds, in precedence order: the flag's JSON hides the variable's.
    @Test func theFlagsJSONReplacesTheVariablesWhole() throws {
        let loaded = try ConfigFixture().load(["--spring.application.json={\"server.port\": 7001}"],
                                              environment: ["SPRING_APPLICATION_JSON": #"{"eureka.server.disable-delta": true}"#])
        #expect(loaded.config.port == 7001)
        #expect(loaded.source(of: "server.port") == .flag("--spring.application.json"))
        #expect(loaded.config.disableDelta == false)
    }

    @Test func placeholdersResolveBothWays() throws {
        let fixture = try ConfigFixture(["application.yml": "eureka.instance.hostname: node-${server.port}\n"])
        let loaded = try fixture.load(environment: ["PORT_TO_USE": "9123",
                                                    "SPRING_APPLICATION_JSON": #"{"server": {"port": "${PORT_TO_USE}"}}"#])
        #expect(loaded.config.port == 9123)
        #expect(loaded.config.instanceHostname == "node-9123")
    }

    @Test func strictnessAndWarningsApplyToItsKeys() throws {
        let source = ConfigSource.environment(variable: "SPRING_APPLICATION_JSON")
        let unknown = ConfigFixture.errorOf(environment: ["SPRING_APPLICATION_JSON": #"{"eureka": {"server": {"no-such-thing": 1}}}"#])
        #expect(unknown == .located(.unknownSetting("eureka.server.no-such-thing"), source))
        let bad = ConfigFixture.errorOf(environment: ["SPRING_APPLICATION_JSON": #"{"server": {"port": "eighty"}}"#])
        #expect(bad == .located(.badValue(name: "server.port", value: "eighty"), source))
        let listForOne = ConfigFixture.errorOf(environment: ["SPRING_APPLICATION_JSON": #"{"server": {"port": [1, 2]}}"#])
        #expect(listForOne != nil)

        // The password is applied (authentication) and masked; a key with no meaning here is warned, with its source.
        let json = #"{"spring": {"security": {"user": {"password": "s3cr3t"}}}, "management": {"endpoints": {"web": {"exposure": {"include": "*"}}}}}"#
        let loaded = try ConfigFixture().load(environment: ["SPRING_APPLICATION_JSON": json])
        #expect(!loaded.report.contains("s3cr3t"))
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.hasPrefix("environment SPRING_APPLICATION_JSON: management.endpoints.web.exposure.include is ignored") == true)
    }

    @Test func malformedJSONOrANonObjectStopsStartUp() throws {
        let source = ConfigSource.environment(variable: "SPRING_APPLICATION_JSON")
        for text in [#"{"server": {"port": 1"#, "[1, 2]", "\"text\"", "{\"a\": 1} trailing"] {
            let error = ConfigFixture.errorOf(environment: ["SPRING_APPLICATION_JSON": text])
            guard case .located(.unusableValue(let name, _, _), let where_) = error else {
                Issue.record("\(text): \(String(describing: error))")
                continue
            }
            #expect(name == "spring.application.json")
            #expect(where_ == source)
        }
    }

    @Test func anEmptyValueIsNoJSON() throws {
        let loaded = try ConfigFixture().load(environment: ["SPRING_APPLICATION_JSON": ""])
        #expect(loaded.config.port == 8761)
        #expect(loaded.warnings.isEmpty)
    }
}

extension ConfigFixture {
    /// The error loading with no files and this environment throws, or nil.
    static func errorOf(_ arguments: [String] = [], environment: [String: String]) -> ConfigError? {
        guard let fixture = try? ConfigFixture() else { return nil }
        return fixture.error(arguments, environment: environment)
    }
}
