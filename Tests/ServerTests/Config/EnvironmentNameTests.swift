@testable import Server
import Testing

/// Spring's relaxed binding for environment variables, and our strictness for our own namespaces there.
@Suite struct EnvironmentNameTests {
    @Test func theIssuesNamesBind() throws {
        let loaded = try ConfigFixture().load([], environment: [
            "SERVER_PORT": "9001",
            "EUREKA_SERVER_ENABLESELFPRESERVATION": "false",
            "EUREKA_CLIENT_SERVICEURL_DEFAULTZONE": "http://a:1/eureka/,http://b:2/eureka/",
            "EUREKA_SERVER_RENEWALPERCENTTHRESHOLD": "0.49",
            "eureka_node_exactleaseexpiry": "true",
            "eureka.instance.hostname": "dotted",
            "SPRING_APPLICATION_NAME": "registry",
        ])
        #expect(loaded.config.port == 9001)
        #expect(loaded.config.enableSelfPreservation == false)
        #expect(loaded.config.serviceUrlDefaultZone == ["http://a:1/eureka/", "http://b:2/eureka/"])
        #expect(loaded.config.renewalPercentThreshold == 0.49)
        #expect(loaded.config.exactLeaseExpiry)
        #expect(loaded.config.instanceHostname == "dotted")
        #expect(loaded.config.applicationName == "REGISTRY")
        #expect(loaded.source(of: "eureka.client.service-url.defaultZone") == .environment(variable: "EUREKA_CLIENT_SERVICEURL_DEFAULTZONE"))
        #expect(loaded.warnings.isEmpty)
    }

    @Test func aBadValueNamesTheVariable() {
        #expect(ConfigFixture.environmentError(["EUREKA_SERVER_RENEWALPERCENTTHRESHOLD": "85%"])
            == .located(.badValue(name: "eureka.server.renewal-percent-threshold", value: "85%"),
                        .environment(variable: "EUREKA_SERVER_RENEWALPERCENTTHRESHOLD")))
    }

    /// A misspelt setting stops start-up with the right name; a variable that is no setting and close to none is
    /// taken for one about the server (the e2e harness's EUREKA_SERVER_BIN, a client's EUREKA_SERVER_URL).
    @Test func aMisspeltVariableIsAnErrorAnotherOneAWarning() throws {
        #expect(ConfigFixture.environmentError(["EUREKA_NODE_MAXCONECTIONS": "5"])
            == .located(.misspelledSetting("EUREKA_NODE_MAXCONECTIONS", suggestion: "EUREKA_NODE_MAXCONNECTIONS"),
                        .environment(variable: "EUREKA_NODE_MAXCONECTIONS")))
        #expect(ConfigFixture.environmentError(["EUREKA_SERVER_EVICTIONINTERVALTIMERINSM": "5"])?.problem
            == .misspelledSetting("EUREKA_SERVER_EVICTIONINTERVALTIMERINSM", suggestion: "EUREKA_SERVER_EVICTIONINTERVALTIMERINMS"))
        let loaded = try ConfigFixture().load([], environment: ["EUREKA_SERVER_BIN": "/usr/bin/eureka-server", "EUREKA_SERVER_URL": "http://x/eureka/",
                                                                "EUREKA_NODE_NOSUCHTHING": "1"])
        #expect(loaded.config == ServerConfig())
        #expect(loaded.warnings == [
            "environment EUREKA_NODE_NOSUCHTHING: eureka.node.nosuchthing is ignored: no such setting, nor close to one; taken for a variable about the server",
            "environment EUREKA_SERVER_BIN: eureka.server.bin is ignored: no such setting, nor close to one; taken for a variable about the server",
            "environment EUREKA_SERVER_URL: eureka.server.url is ignored: no such setting, nor close to one; taken for a variable about the server",
        ])
        let spelled = ConfigFixture.environmentError(["EUREKA_SERVER_ENABLE_SELF_PRESERVATION": "false"])
        #expect(spelled == .located(.misspelledSetting("EUREKA_SERVER_ENABLE_SELF_PRESERVATION",
                                                       suggestion: "EUREKA_SERVER_ENABLESELFPRESERVATION (environment names drop the dashes)"),
                                    .environment(variable: "EUREKA_SERVER_ENABLE_SELF_PRESERVATION")))
    }

    /// A Kubernetes Service named eureka-server puts these into every pod of its namespace.
    @Test func kubernetesServiceLinksAreNotSettings() throws {
        let loaded = try ConfigFixture().load([], environment: [
            "EUREKA_SERVER_PORT": "tcp://10.0.0.7:8761", "EUREKA_SERVER_SERVICE_HOST": "10.0.0.7",
            "EUREKA_SERVER_SERVICE_PORT": "8761", "EUREKA_SERVER_SERVICE_PORT_HTTP": "8761",
            "EUREKA_SERVER_PORT_8761_TCP": "tcp://10.0.0.7:8761", "EUREKA_SERVER_PORT_8761_TCP_PROTO": "tcp",
            "EUREKA_SERVER_PORT_8761_TCP_PORT": "8761", "EUREKA_SERVER_PORT_8761_TCP_ADDR": "10.0.0.7",
            "EUREKA_NODE_SERVICE_HOST": "10.0.0.8",
        ])
        #expect(loaded.config == ServerConfig())
    }

    @Test func otherVariablesAreLeftAloneButReachPlaceholders() throws {
        let loaded = try ConfigFixture().load(["--eureka.environment=${HOME_REGION:none}"], environment: [
            "PATH": "/bin", "JAVA_OPTS": "-Xmx1g", "SPRING_CLOUD_CONFIG_ENABLED": "false", "HOME_REGION": "eu",
        ])
        #expect(loaded.config.environment == "eu")
        #expect(loaded.warnings.isEmpty)
    }

    /// Known settings with no effect, and AWS families, are accepted from the environment too, with a warning.
    @Test func noEffectSettingsFromTheEnvironment() throws {
        let loaded = try ConfigFixture().load([], environment: ["EUREKA_CLIENT_REGISTERWITHEUREKA": "false", "EUREKA_SERVER_AWSACCESSID": "x"])
        #expect(loaded.warnings == [
            "environment EUREKA_CLIENT_REGISTERWITHEUREKA: eureka.client.register-with-eureka has no effect: this node never registers with its peers as a client",
            "environment EUREKA_SERVER_AWSACCESSID: eureka.server.awsaccessid has no effect: eureka.server.aws-*: no AWS integration",
        ])
    }

    /// Read as a JSON object of properties (ApplicationJSONTests), with no warning about the variable itself.
    @Test func springApplicationJsonIsReadSilently() throws {
        let loaded = try ConfigFixture().load([], environment: ["SPRING_APPLICATION_JSON": #"{"server":{"port":1}}"#])
        #expect(loaded.config.port == 1)
        #expect(loaded.warnings.isEmpty)
    }

    @Test(arguments: [("EUREKA_SERVER_PORT", true), ("X_SERVICE_HOST", true), ("X_SERVICE_PORT_GRPC", true),
                      ("X_PORT_53_UDP_ADDR", true), ("X_PORT_8761_TCP", true), ("EUREKA_SERVER_PORTS", false),
                      ("EUREKA_SERVER_PORT_X_TCP", false), ("EUREKA_SERVER_RENEWALPERCENTTHRESHOLD", false)])
    func serviceLinkShapes(name: String, isLink: Bool) {
        #expect(EnvironmentNames.isServiceLink(name) == isLink)
    }
}
