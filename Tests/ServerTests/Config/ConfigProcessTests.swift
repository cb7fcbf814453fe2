import Foundation
import Glibc
@testable import Server
import Testing

/// The real binary where exit codes, stdout and stderr matter: --print-config, --help, every start-up error
/// with its source, a Spring Cloud application.yml starting the node unchanged, two peers from one file.
@Suite struct ConfigProcessTests {
    @Test func printConfigShowsEveryValueWithItsSourceAndExitsZero() throws {
        let fixture = try ConfigFixture(["application.yml": """
            server:
              port: 8800
            eureka:
              server:
                enable-self-preservation: false
              client:
                fetch-registry: false
            spring.security.user.password: hunter2
            """])
        let run = try ServerProcess.runToExit(["--print-config", "--eureka.server.eviction-interval-timer-in-ms=1000",
                                               "--eureka.client.service-url.defaultZone=http://u:secret@peer:8761/eureka/"],
                                              environment: ["EUREKA_SERVER_RENEWALPERCENTTHRESHOLD": "0.5"], directory: fixture.directory)
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").map(String.init)
        func line(_ name: String) -> String? { lines.first { $0.hasPrefix(name + "=") } }
        #expect(line("server.port")?.hasSuffix("# application.yml:2") == true)
        #expect(line("eureka.server.enable-self-preservation")?.hasPrefix("eureka.server.enable-self-preservation=false ") == true)
        #expect(line("eureka.server.enable-self-preservation")?.hasSuffix("# application.yml:5") == true)
        #expect(line("eureka.server.renewal-percent-threshold")?.hasSuffix("# environment EUREKA_SERVER_RENEWALPERCENTTHRESHOLD") == true)
        #expect(line("eureka.server.eviction-interval-timer-in-ms")?.hasSuffix("# flag --eureka.server.eviction-interval-timer-in-ms") == true)
        #expect(line("eureka.server.disable-delta")?.hasSuffix("# default") == true)
        #expect(line("eureka.client.service-url.defaultZone")?.hasPrefix("eureka.client.service-url.defaultZone=http://u:***@peer:8761/eureka/ ") == true)
        #expect(!run.output.contains("secret") && !run.output.contains("hunter2"))
        // Every setting with a value is listed.
        for key in SettingKeys.all where key.read != nil { #expect(line(key.name) != nil, "\(key.name)") }
        #expect(lines.contains("# files: application.yml"))
        // Applied now (issue 18), and masked.
        #expect(line("spring.security.user.password")?.hasPrefix("spring.security.user.password=****** ") == true)
        #expect(line("spring.security.user.password")?.hasSuffix("# application.yml:8") == true)
        #expect(run.errors.contains("eureka-server: warning: application.yml:7: eureka.client.fetch-registry has no effect"))
        #expect(!run.errors.contains("spring.security"))
        #expect(!run.output.contains("listening"))
    }

    @Test func helpShowsSpringNames() throws {
        let run = try ServerProcess.runToExit(["--help"])
        #expect(run.status == 0)
        #expect(run.output.contains("  eureka.client.service-url.defaultZone="))
        #expect(run.output.contains("  eureka.server.enable-self-preservation=true"))
        #expect(run.output.contains("--print-config"))
        #expect(run.output.contains("  eureka.client.register-with-eureka"))
        #expect(run.output.contains("  eureka.node.anti-entropy-interval-ms=0"))
        #expect(run.output.contains("  eureka.node.anti-entropy-tombstone-ms=600000"))
        #expect(run.output.contains("  eureka.server.remote-region-*"))
        #expect(run.output.contains("SPRING_PROFILES_ACTIVE"))
    }

    /// Every way a configuration can be wrong: exit code 2, one line naming the key, its source and line.
    @Test(arguments: [
        (["application.yml": "eureka:\n  server:\n    no-such-thing: 1\n"], [String](), [String: String](),
         "eureka-server: application.yml:3: unknown setting 'eureka.server.no-such-thing'"),
        (["config/application.properties": "\n\neureka.node.max-connections=0\n"], [], [:],
         "eureka-server: config/application.properties:3: bad value '0' for setting 'eureka.node.max-connections'"),
        (["application.yml": "server:\n  port: [1\n"], [], [:], "eureka-server: application.yml:3: not valid YAML"),
        (["application.yml": "a: 1\na: 2\n"], [], [:], "eureka-server: application.yml:2: duplicate key 'a' (first at line 1)"),
        (["application.yml": "x: ${y}\ny: ${x}\nserver.port: ${x}\n"], [], [:],
         "eureka-server: application.yml:3: placeholder cycle: server.port -> x -> y -> x"),
        (["application.yml": "eureka.client.serviceUrl.defaultZone: http://${PEER}/eureka/\n"], [], [:],
         "eureka-server: application.yml:1: cannot resolve placeholder '${PEER}' in the value of 'eureka.client.service-url.defaultZone'"),
        (["application.yml": "\neureka.client.serviceUrl.defaultZone: https://peer:8761/eureka/\n"], [], [:],
         "eureka-server: application.yml:2: bad value 'https://peer:8761/eureka/' for setting 'eureka.client.service-url.defaultZone': https peers are not supported"),
        ([:], [], ["EUREKA_SERVER_ENABLESELFPRESERVATION": "sometimes"],
         "eureka-server: environment EUREKA_SERVER_ENABLESELFPRESERVATION: bad value 'sometimes' for setting 'eureka.server.enable-self-preservation'"),
        ([:], [], ["EUREKA_NODE_MAXCONECTIONS": "5"],
         "eureka-server: environment EUREKA_NODE_MAXCONECTIONS: unknown setting 'EUREKA_NODE_MAXCONECTIONS'; did you mean EUREKA_NODE_MAXCONNECTIONS?"),
        ([:], ["--server.port=-1"], [:], "eureka-server: flag --server.port: bad value '-1' for setting 'server.port'"),
        ([:], ["--spring.config.location=missing.yml"], [:], "eureka-server: flag --spring.config.location: config file 'missing.yml' not found"),
        (["application.yml": "---\nspring.profiles: a | b & c\n"], [], [:], "eureka-server: application.yml:2: bad profile expression 'a | b & c'"),
    ])
    func aBadConfigurationExitsWith2NamingKeySourceAndLine(files: [String: String], arguments: [String], environment: [String: String], message: String) throws {
        let fixture = try ConfigFixture(files)
        let run = try ServerProcess.runToExit(arguments, environment: environment, directory: fixture.directory)
        #expect(run.status == 2)
        #expect(run.errors.hasPrefix(message), "\(run.errors)")
        #expect(run.output.isEmpty)
    }

    /// Spring Cloud's standalone example, as its documentation gives it; only the port comes from outside
    /// (SERVER_PORT, as a container would set it), so the test does not need 8761 free.
    static let springStandalone = """
        server:
          port: 8761

        eureka:
          instance:
            hostname: localhost
          client:
            registerWithEureka: false
            fetchRegistry: false
            serviceUrl:
              defaultZone: http://${eureka.instance.hostname}:${server.port}/eureka/
          server:
            enableSelfPreservation: false
            waitTimeInMsWhenSyncEmpty: 0

        spring:
          application:
            name: eureka-server
          security:
            user:
              name: admin
              password: ${EUREKA_PASSWORD:changeit}

        management:
          endpoints:
            web:
              exposure:
                include: health,info,prometheus
        logging:
          level:
            com.netflix.eureka: WARN
        """

    @Test func aSpringCloudApplicationYmlStartsTheNodeUnchanged() throws {
        let fixture = try ConfigFixture(["application.yml": Self.springStandalone])
        let port = try LoopbackSocket.freePort()
        let server = try ServerProcess(environment: ["SERVER_PORT": "\(port)", "SERVER_ADDRESS": "127.0.0.1"],
                                       directory: fixture.directory, defaults: [])
        #expect(server.port == port)
        // It left itself out of its own defaultZone: a standalone node, open at once (no peers to sync from).
        let health = try Self.request(port: port, path: "/actuator/health")
        #expect(health.status == 200)
        // spring.security.user.* is applied (issue 18): every request but health needs admin:changeit.
        #expect(try Self.register(Registrant(), port: port).status == 401)
        let admin = ("Authorization", "Basic " + Base64.encode(Array("admin:changeit".utf8)))
        #expect(try Self.register(Registrant(), port: port, headers: [admin]).status == 204)
        let status = try Self.request(port: port, path: "/eureka/status", headers: [("Accept", "application/json"), admin])
        #expect(status.text.contains("EUREKA-SERVER"))
        #expect(server.terminate().status == 0)
    }

    /// Spring Cloud's peer-awareness set-up: one file with a document per peer, each process started with its
    /// profile; a registration on one reaches the other.
    @Test func twoPeersFromOneFileReplicate() throws {
        // Both held while the second is picked, so they differ.
        let (first, second) = (try LoopbackSocket.bound(), try LoopbackSocket.bound())
        close(first.fd)
        close(second.fd)
        let (port1, port2) = (first.port, second.port)
        let file = """
            server:
              address: 127.0.0.1
            eureka:
              server:
                registry-sync-retries: 1
                registry-sync-retry-wait-ms: 100
                wait-time-in-ms-when-sync-empty: 0
                use-read-only-response-cache: false
            ---
            spring:
              profiles: peer1
            server:
              port: \(port1)
            eureka:
              instance:
                hostname: peer1
              client:
                serviceUrl:
                  defaultZone: http://127.0.0.1:\(port2)/eureka/
            ---
            spring:
              config:
                activate:
                  on-profile: peer2
            server:
              port: \(port2)
            eureka:
              instance:
                hostname: peer2
              client:
                serviceUrl:
                  defaultZone: http://127.0.0.1:\(port1)/eureka/
            """
        let fixture = try ConfigFixture(["application.yml": file])
        let peer2 = try ServerProcess(environment: ["SPRING_PROFILES_ACTIVE": "peer2"], directory: fixture.directory, defaults: [])
        let peer1 = try ServerProcess(["--spring.profiles.active=peer1"], environment: [:], directory: fixture.directory, defaults: [])
        #expect(peer1.port == port1)
        #expect(peer2.port == port2)
        #expect(waitUntil(timeoutMs: 10_000) { (try? Self.request(port: port1, path: "/actuator/health").status) == 200 })
        #expect(try Self.register(Registrant(), port: port1).status == 204)
        #expect(waitUntil(timeoutMs: 10_000) {
            (try? Self.request(port: port2, path: "/eureka/apps/ORDERS/orders-1:orders:8080", headers: [("Accept", "application/json")]).status) == 200
        })
        #expect(peer1.terminate().status == 0)
        #expect(peer2.terminate().status == 0)
    }

    // MARK: helpers

    /// One request on a fresh connection to the server process on `port`.
    static func request(port: Int, method: String = "GET", path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> RawClient.Reply {
        try RawClient(port: port).request(method: method, path: path, headers: headers, body: body)
    }

    static func register(_ registrant: Registrant, port: Int, headers: [(String, String)] = []) throws -> RawClient.Reply {
        try request(port: port, method: "POST", path: "/eureka/apps/ORDERS",
                    headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + headers, body: registrant.body(.json))
    }
}
