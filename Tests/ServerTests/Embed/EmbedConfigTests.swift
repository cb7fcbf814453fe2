import CEurekaServer
import Testing
@_spi(C) @testable import Server

/// The C configuration goes through the command line's parser and checks: same names, same messages.
@Suite struct EmbedConfigTests {
    @Test func aSettingIsAppliedByTheCommandLineNameInEitherSpelling() throws {
        let config = EmbeddedConfig()
        try config.set("server.port", "0")
        try config.set("eureka.server.evictionIntervalTimerInMs", "250")
        try config.set("eureka.server.enable-self-preservation", "false")
        #expect(config.config.port == 0)
        #expect(config.config.evictionIntervalTimerInMs == 250)
        #expect(!config.config.enableSelfPreservation)
    }

    @Test(arguments: [
        ("server.prot", "1", EUREKA_EUNKNOWN_SETTING, "unknown setting 'server.prot'"),
        ("server.port", "http", EUREKA_EBAD_VALUE, "bad value 'http' for setting 'server.port'"),
        ("eureka.server.renewal-percent-threshold", "1.5", EUREKA_EBAD_VALUE, "eureka.server.renewal-percent-threshold"),
        ("eureka.client.service-url.defaultZone", "https://peer/eureka/", EUREKA_EBAD_VALUE, "defaultZone"),
    ])
    func aBadSettingIsRefusedByNameAndLeavesTheConfigurationAsItWas(name: String, value: String, code: eureka_code,
                                                                    message: String) {
        let config = EmbeddedConfig()
        let before = config.config
        #expect(throws: EmbedFailure.self) { try config.set(name, value) }
        do { try config.set(name, value) } catch {
            #expect(error.code == code)
            #expect(error.message.contains(message))
        }
        #expect(config.config == before)
    }

    @Test func theCEntryPointsReportCodesAndTheThreadsLastMessage() {
        var handle: OpaquePointer?
        #expect(eurekaConfigNew(&handle) == EUREKA_OK.rawValue)
        #expect(eurekaConfigSet(handle, "server.prot", "1") == EUREKA_EUNKNOWN_SETTING.rawValue)
        #expect(String(cString: eurekaLastError()) == "unknown setting 'server.prot'")
        #expect(eurekaConfigSet(handle, "server.port", "8080") == EUREKA_OK.rawValue)
        #expect(String(cString: eurekaLastError()) == "unknown setting 'server.prot'")  // not cleared by a success
        #expect(eurekaConfigSet(handle, nil, "1") == EUREKA_EINVAL.rawValue)
        #expect(String(cString: eurekaLastError()) == "name is NULL")
        #expect(eurekaConfigFree(handle) == EUREKA_OK.rawValue)
        #expect(eurekaConfigFree(nil) == EUREKA_EINVAL.rawValue)
    }

    @Test func everyCodeHasItsTextAndTheVersionMatchesTheHeader() {
        for code in EUREKA_ENOMEM.rawValue...EUREKA_OK.rawValue {
            #expect(String(cString: eurekaStrerror(code)) != "unknown error code")
        }
        #expect(String(cString: eurekaStrerror(42)) == "unknown error code")
        #expect(eurekaVersion() == UInt32(EUREKA_VERSION_MAJOR << 16 | EUREKA_VERSION_MINOR << 8 | EUREKA_VERSION_PATCH))
        #expect("\(EUREKA_VERSION_MAJOR).\(EUREKA_VERSION_MINOR).\(EUREKA_VERSION_PATCH)" == EUREKA_VERSION_STRING)
    }
}
