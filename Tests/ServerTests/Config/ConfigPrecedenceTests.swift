@testable import Server
import Testing

/// Spring Boot's order: flags over environment over files over defaults; `./config/` over `./`; `.properties`
/// over `.yml` over `.yaml` in one directory; `spring.config.location` instead of the default places.
@Suite struct ConfigPrecedenceTests {
    @Test func flagsBeatEnvironmentBeatFileBeatDefaults() throws {
        let fixture = try ConfigFixture(["application.yml": """
            server:
              port: 1001
            eureka:
              server:
                eviction-interval-timer-in-ms: 2001
                renewal-percent-threshold: 0.5
                disable-delta: true
            """])
        let environment = ["SERVER_PORT": "1002", "EUREKA_SERVER_EVICTIONINTERVALTIMERINMS": "2002"]
        let loaded = try fixture.load(["--server.port=1003"], environment: environment)
        #expect(loaded.config.port == 1003)
        #expect(loaded.source(of: "server.port") == .flag("--server.port"))
        #expect(loaded.config.evictionIntervalTimerInMs == 2002)
        #expect(loaded.source(of: "eureka.server.eviction-interval-timer-in-ms") == .environment(variable: "EUREKA_SERVER_EVICTIONINTERVALTIMERINMS"))
        #expect(loaded.config.renewalPercentThreshold == 0.5)
        #expect(loaded.source(of: "eureka.server.renewalPercentThreshold") == .file(path: "application.yml", line: 6))
        #expect(loaded.config.disableDelta)
        #expect(loaded.config.responseCacheUpdateIntervalMs == 30_000)
        #expect(loaded.source(of: "eureka.server.response-cache-update-interval-ms") == .defaultValue)
        #expect(loaded.files == ["application.yml"])
    }

    @Test func configDirectoryBeatsWorkingDirectoryAndPropertiesBeatYaml() throws {
        let fixture = try ConfigFixture([
            "application.yaml": "server.port: 1\neureka.environment: from-yaml\nspring.application.name: a\n",
            "application.yml": "server.port: 2\neureka.environment: from-yml\n",
            "application.properties": "server.port=3\n",
            "config/application.yml": "server:\n  port: 4\n",
        ])
        let loaded = try fixture.load()
        #expect(loaded.files == ["application.yaml", "application.yml", "application.properties", "config/application.yml"])
        #expect(loaded.config.port == 4)
        #expect(loaded.source(of: "server.port") == .file(path: "config/application.yml", line: 2))
        #expect(loaded.config.environment == "from-yml")
        #expect(loaded.config.applicationName == "A")
    }

    @Test func configLocationReplacesTheDefaultPlaces() throws {
        let fixture = try ConfigFixture([
            "application.yml": "server.port: 1\n",
            "etc/eureka.yml": "server.port: 2\n",
            "etc/eureka-peer1.yml": "server.port: 3\n",
            "more/application.properties": "eureka.environment=more\n",
        ])
        let file = try fixture.load(["--spring.config.location=\(fixture.directory)/etc/eureka.yml"])
        #expect(file.config.port == 2)
        #expect(file.files == ["\(fixture.directory)/etc/eureka.yml"])
        let profiled = try fixture.load(["--spring.config.location=\(fixture.directory)/etc/eureka.yml", "--spring.profiles.active=peer1"])
        #expect(profiled.config.port == 3)
        let directories = try fixture.load([], environment: ["SPRING_CONFIG_LOCATION": "optional:\(fixture.directory)/nowhere/,\(fixture.directory)/more/"])
        #expect(directories.config.port == 8761)
        #expect(directories.config.environment == "more")
    }

    @Test func configNameChangesTheBaseName() throws {
        let fixture = try ConfigFixture(["eureka.yml": "server.port: 5\n", "application.yml": "server.port: 1\n"])
        #expect(try fixture.load(["--spring.config.name=eureka"]).config.port == 5)
    }

    @Test func aMissingNamedFileIsAnErrorUnlessOptional() throws {
        let fixture = try ConfigFixture()
        #expect(fixture.error(["--spring.config.location=none.yml"])
            == .located(.missingFile("none.yml"), .flag("--spring.config.location")))
        #expect(fixture.error(["--spring.config.location=optional:none.yml"]) == nil)
        #expect(fixture.error(["--spring.config.location=conf.json"])?.problem
            == .unusableValue(name: "spring.config.location", value: "conf.json", reason: "a config file must end in .yml, .yaml or .properties"))
        #expect(fixture.error(["--spring.config.location=classpath:/application.yml"])?.problem
            == .unusableValue(name: "spring.config.location", value: "classpath:/application.yml", reason: "there is no classpath here; name a file or a directory"))
    }

    @Test func noFilesMeansDefaultsAndFlagsOnly() throws {
        let loaded = try ConfigFixture().load()
        #expect(loaded.config == ServerConfig())
        #expect(loaded.files.isEmpty)
        #expect(loaded.profiles == ["default"])
    }

    /// A list from a higher source replaces the whole list from a lower one (Spring does not merge lists).
    @Test func aListIsReplacedWholeByAHigherSource() throws {
        let fixture = try ConfigFixture(["application.yml": """
            eureka:
              client:
                service-url:
                  defaultZone:
                    - http://a:1/eureka/
                    - http://b:2/eureka/
            """])
        #expect(try fixture.load().config.serviceUrlDefaultZone == ["http://a:1/eureka/", "http://b:2/eureka/"])
        let replaced = try fixture.load([], environment: ["EUREKA_CLIENT_SERVICEURL_DEFAULTZONE": "http://c:3/eureka/"])
        #expect(replaced.config.serviceUrlDefaultZone == ["http://c:3/eureka/"])
    }
}
