@testable import Server
import Testing

/// `spring.config.import` of files, as Spring Boot imports them: `optional:` lets one be missing, `file:` is
/// allowed, a relative path is taken from the importing file's directory (from a flag or variable: the working
/// directory); an imported file's documents come right after the document that imports it, so they override it,
/// and count only when it does (its profile); each file is read once.
@Suite struct ConfigImportTests {
    @Test func anImportedFileOverridesTheImporterAndFlagsStillWin() throws {
        let fixture = try ConfigFixture([
            "application.yml": """
                spring:
                  config:
                    import: optional:file:conf/extra.yml
                server:
                  port: 1001
                eureka.environment: from-application
                """,
            "conf/extra.yml": "server.port: 1002\n",
        ])
        let loaded = try fixture.load()
        #expect(loaded.config.port == 1002)
        #expect(loaded.source(of: "server.port") == .file(path: "conf/extra.yml", line: 1))
        #expect(loaded.config.environment == "from-application")
        #expect(loaded.files == ["application.yml", "conf/extra.yml"])
        #expect(loaded.warnings.isEmpty)
        #expect(try fixture.load(["--server.port=1003"]).config.port == 1003)
    }

    @Test func relativeToTheImportingFilesDirectoryAndNested() throws {
        let fixture = try ConfigFixture([
            "config/application.yml": "spring.config.import: optional:more/a.yml\nserver.port: 1\n",
            "config/more/a.yml": "spring.config.import: b.properties\nserver.port: 2\n",
            "config/more/b.properties": "server.port=3\neureka.environment=b\n",
        ])
        let loaded = try fixture.load()
        #expect(loaded.config.port == 3)
        #expect(loaded.files == ["config/application.yml", "config/more/a.yml", "config/more/b.properties"])
    }

    @Test func aMissingOptionalImportIsFineAMissingPlainOneIsAnError() throws {
        let optional = try ConfigFixture(["application.yml": "spring.config.import: optional:file:nowhere.yml\nserver.port: 5\n"])
        #expect(try optional.load().config.port == 5)
        let required = try ConfigFixture(["application.yml": "server.port: 5\nspring.config.import: file:nowhere.yml\n"])
        guard case .located(.unusableValue(let name, let value, _), let source) = required.error() else {
            Issue.record("no error")
            return
        }
        #expect(name == "spring.config.import" && value == "file:nowhere.yml")
        #expect(source == .file(path: "application.yml", line: 2))
    }

    @Test func anImportInAProfileDocumentCountsOnlyForThatProfile() throws {
        let fixture = try ConfigFixture([
            "application.yml": """
                server.port: 1
                ---
                spring.config.activate.on-profile: peer2
                spring.config.import: optional:peer2-extra.yml
                """,
            "peer2-extra.yml": "server.port: 2\n",
        ])
        #expect(try fixture.load().config.port == 1)
        #expect(try fixture.load(["--spring.profiles.active=peer2"]).config.port == 2)
    }

    @Test func fromAFlagOrTheEnvironmentAboveTheApplicationFiles() throws {
        let fixture = try ConfigFixture(["application.yml": "server.port: 1\n", "site/override.yml": "server.port: 9\n"])
        #expect(try fixture.load(["--spring.config.import=optional:file:site/override.yml"]).config.port == 9)
        #expect(try fixture.load(environment: ["SPRING_CONFIG_IMPORT": "site/override.yml"]).config.port == 9)
    }

    @Test func eachFileIsReadOnceEvenInACycle() throws {
        let fixture = try ConfigFixture([
            "application.yml": "spring.config.import: a.yml\nserver.port: 1\n",
            "a.yml": "spring.config.import: application.yml\nserver.port: 2\n",
        ])
        let loaded = try fixture.load()
        #expect(loaded.config.port == 2)
        #expect(loaded.files == ["application.yml", "a.yml"])
    }

    /// Spring Cloud Config's `optional:configserver:` (common in Spring applications' files) is skipped with a
    /// warning; a required import of a kind other than a file stops start-up.
    @Test func otherKindsOfImport() throws {
        let optional = try ConfigFixture(["application.yml": "spring.config.import: optional:configserver:http://config:8888\nserver.port: 4\n"])
        let loaded = try optional.load()
        #expect(loaded.config.port == 4)
        #expect(loaded.warnings == ["application.yml:1: spring.config.import is ignored: optional:configserver:http://config:8888: only file imports are read here"])
        let required = try ConfigFixture(["application.yml": "spring.config.import: configserver:http://config:8888\n"])
        guard case .located(.unusableValue(let name, _, _), _) = required.error() else {
            Issue.record("no error")
            return
        }
        #expect(name == "spring.config.import")
    }
}
