@testable import Server
import Testing

/// `${name:default}` as Spring resolves it: other properties, the environment, nested defaults, cycles and
/// missing names as errors that name them and the value's source.
@Suite struct PlaceholderTests {
    @Test func fromOtherPropertiesAndTheEnvironment() throws {
        let fixture = try ConfigFixture(["application.yml": """
            server:
              port: 8800
            eureka:
              instance:
                hostname: node-a
              client:
                service-url:
                  defaultZone: http://${eureka.instance.hostname}:${server.port}/eureka/,${EUREKA_PEERS}
            """])
        let loaded = try fixture.load([], environment: ["EUREKA_PEERS": "http://node-b:8801/eureka/"])
        #expect(loaded.config.serviceUrlDefaultZone == ["http://node-a:8800/eureka/", "http://node-b:8801/eureka/"])
        // A higher source for a referenced property wins inside the placeholder too.
        let flagged = try fixture.load(["--server.port=9900"], environment: ["EUREKA_PEERS": ""])
        #expect(flagged.config.serviceUrlDefaultZone == ["http://node-a:9900/eureka/"])
    }

    @Test func defaultsNestAndAreReadOnlyWhenNeeded() throws {
        let fixture = try ConfigFixture(["application.properties": """
            eureka.environment=${eureka.password:${SECURITY_USER_PASSWORD:password}}
            spring.application.name=${APP_NAME:}fallback
            eureka.server.my-url=${MY_URL:http://${HOST:localhost}:${server.port}/eureka/}
            """])
        let none = try fixture.load()
        #expect(none.config.environment == "password")
        #expect(none.config.applicationName == "FALLBACK")
        // `${server.port}` set nowhere is our default.
        #expect(none.config.myUrl == "http://localhost:8761/eureka/")
        let environment = try fixture.load([], environment: ["SECURITY_USER_PASSWORD": "s3", "HOST": "h"])
        #expect(environment.config.environment == "s3")
        #expect(environment.config.myUrl == "http://h:8761/eureka/")
        let property = try fixture.load(["--eureka.password=p"], environment: ["SECURITY_USER_PASSWORD": "s3"])
        #expect(property.config.environment == "p")
        // `${eureka.password}` also finds EUREKA_PASSWORD, as Spring's relaxed environment lookup does.
        #expect(try fixture.load([], environment: ["EUREKA_PASSWORD": "e"]).config.environment == "e")
    }

    /// A key outside our settings used only by placeholders is a helper, not a mistake: no warning.
    @Test func aHelperPropertyGetsNoWarning() throws {
        let fixture = try ConfigFixture(["application.yml": "peers: http://x:1/eureka/\nunused: 1\neureka.client.serviceUrl.defaultZone: ${peers}\n"])
        let loaded = try fixture.load()
        #expect(loaded.config.serviceUrlDefaultZone == ["http://x:1/eureka/"])
        #expect(loaded.warnings == ["application.yml:2: unused is ignored: no such setting here"])
    }

    @Test func aNameBuiltFromPlaceholdersAndEscapes() throws {
        let fixture = try ConfigFixture(["application.properties": """
            which=b
            value.a=first
            value.b=second
            eureka.environment=${value.${which}}
            spring.application.name=\\\\${literal}
            """])
        let loaded = try fixture.load()
        #expect(loaded.config.environment == "second")
        #expect(loaded.config.applicationName == "${LITERAL}")
        // An unclosed placeholder stays as written.
        #expect(try ConfigLoader.load(arguments: ["--eureka.environment=${open"]).environment == "${open")
    }

    @Test func aCycleIsAnErrorNamingItsChain() throws {
        let fixture = try ConfigFixture(["application.yml": "a: ${b}\nb: ${c:${a}}\neureka:\n  environment: ${a}\n"])
        let error = try #require(fixture.error())
        #expect(error == .located(.placeholderCycle(["eureka.environment", "a", "b", "a"]), .file(path: "application.yml", line: 4)))
        #expect(error.description == "application.yml:4: placeholder cycle: eureka.environment -> a -> b -> a")
        let selfReference = try ConfigFixture(["application.yml": "server.port: ${server.port}\n"])
        #expect(selfReference.error()?.problem == .placeholderCycle(["server.port", "server.port"]))
    }

    @Test func anUnresolvablePlaceholderWithoutDefaultIsAnError() throws {
        let fixture = try ConfigFixture(["config/application.yml": "\neureka:\n  client:\n    serviceUrl:\n      defaultZone: http://${PEER_HOST}:8761/eureka/\n"])
        let error = try #require(fixture.error())
        #expect(error == .located(.unresolvablePlaceholder(name: "PEER_HOST", setting: "eureka.client.service-url.defaultZone"),
                                  .file(path: "config/application.yml", line: 5)))
        #expect(error.description.hasPrefix("config/application.yml:5: cannot resolve placeholder '${PEER_HOST}'"))
        #expect(throws: ConfigError.located(.unresolvablePlaceholder(name: "NOPE", setting: "server.port"), .flag("--server.port"))) {
            try ConfigLoader.load(arguments: ["--server.port=${NOPE}"])
        }
        // A setting without a default value of its own (the host name is the machine's, found later) is no value.
        #expect(throws: ConfigError.located(.unresolvablePlaceholder(name: "eureka.instance.hostname", setting: "eureka.server.my-url"),
                                            .flag("--eureka.server.my-url"))) {
            try ConfigLoader.load(arguments: ["--eureka.server.my-url=http://${eureka.instance.hostname}:8761/eureka/"])
        }
        let environment = ConfigFixture.environmentError(["SERVER_PORT": "${NOPE}"])
        #expect(environment == .located(.unresolvablePlaceholder(name: "NOPE", setting: "server.port"), .environment(variable: "SERVER_PORT")))
    }

    /// A resolved value is checked like any other.
    @Test func aResolvedBadValueIsABadValue() throws {
        let fixture = try ConfigFixture(["application.yml": "server:\n  port: ${PORT:eighty}\n"])
        #expect(fixture.error() == .located(.badValue(name: "server.port", value: "eighty"), .file(path: "application.yml", line: 2)))
        #expect(try fixture.load([], environment: ["PORT": "8080"]).config.port == 8080)
    }
}

extension ConfigFixture {
    static func environmentError(_ environment: [String: String]) -> ConfigError? {
        (try? ConfigFixture()).flatMap { $0.error([], environment: environment) }
    }
}
