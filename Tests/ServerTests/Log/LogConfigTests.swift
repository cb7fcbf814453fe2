import Testing
@testable import Server

@Suite struct LogConfigTests {
    @Test func loggingSettingsAreApplied() throws {
        let loaded = try ConfigLoader.load(ConfigInputs(arguments: ["--logging.format=json", "--logging.level.root=WARN",
                                                       "--logging.level.eureka=debug"], workingDirectory: nil))
        #expect(loaded.config.logging.format == .json)
        #expect(loaded.config.logging.rootLevel == .warn)
        #expect(loaded.config.logging.eurekaLevel == .debug)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.report.contains("logging.format=json"))
    }

    @Test func defaultsAreLogfmtAtInfo() throws {
        let config = try ConfigLoader.load(ConfigInputs(arguments: [], workingDirectory: nil)).config
        #expect(config.logging == LogSettings())
        #expect(config.logging.threshold(.eureka) == .info)
    }

    @Test func badValuesAreRefusedAndOtherLoggersWarned() throws {
        #expect(throws: ConfigError.self) { try ConfigLoader.load(ConfigInputs(arguments: ["--logging.format=xml" ], workingDirectory: nil)) }
        #expect(throws: ConfigError.self) { try ConfigLoader.load(ConfigInputs(arguments: ["--logging.level.root=loud" ], workingDirectory: nil)) }
        let loaded = try ConfigLoader.load(ConfigInputs(arguments: ["--logging.level.com.netflix.eureka=WARN"], workingDirectory: nil))
        #expect(loaded.warnings.count == 1)
    }

    @Test func helpNamesThem() {
        #expect(ConfigLoader.helpText.contains("logging.format"))
        #expect(ConfigLoader.helpText.contains("logging.level.eureka"))
    }
}
