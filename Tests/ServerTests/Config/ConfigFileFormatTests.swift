import ConfigYAML
@testable import Server
import Testing

/// YAML (through Yams) and properties files as Spring reads them, and their errors with file and line.
@Suite struct ConfigFileFormatTests {
    private func entries(_ yaml: String) throws -> [ConfigEntry] {
        try YAMLDocuments.documents(yaml, path: "a.yml").flatMap(\.entries)
    }

    @Test func nestedAndDottedKeysAreTheSame() throws {
        let nested = try ConfigFixture(["application.yml": "eureka:\n  server:\n    evictionIntervalTimerInMs: 5\n"]).load()
        let dotted = try ConfigFixture(["application.yml": "eureka.server.eviction-interval-timer-in-ms: 5\n"]).load()
        let mixed = try ConfigFixture(["application.yml": "eureka.server:\n  eviction-interval-timer-in-ms: 5\n"]).load()
        #expect(nested.config.evictionIntervalTimerInMs == 5)
        #expect(nested.config == dotted.config)
        #expect(mixed.config == dotted.config)
    }

    @Test func listsAsYamlListsFlowListsOrCommaStrings() throws {
        for text in ["defaultZone:\n  - http://a:1/eureka/\n  - http://b:2/eureka/\n", "defaultZone: [http://a:1/eureka/, http://b:2/eureka/]\n",
                     "defaultZone: http://a:1/eureka/,http://b:2/eureka/\n", "defaultZone: >\n  http://a:1/eureka/,\n  http://b:2/eureka/\n"] {
            let fixture = try ConfigFixture(["application.yml": "eureka.client.service-url:\n  " + text.replacing("\n", with: "\n  ")])
            #expect(try fixture.load().config.serviceUrlDefaultZone == ["http://a:1/eureka/", "http://b:2/eureka/"], "\(text)")
        }
        let properties = try ConfigFixture(["application.properties": """
            eureka.client.serviceUrl.defaultZone[1]=http://b:2/eureka/
            eureka.client.serviceUrl.defaultZone[0]=http://a:1/eureka/
            spring.profiles.active[0]=x
            """])
        let loaded = try properties.load()
        #expect(loaded.config.serviceUrlDefaultZone == ["http://a:1/eureka/", "http://b:2/eureka/"])
        #expect(loaded.profiles == ["x"])
    }

    @Test func aListForAOneValueSettingIsAnError() throws {
        let fixture = try ConfigFixture(["application.yml": "server:\n  port:\n    - 1\n    - 2\n"])
        #expect(fixture.error() == .located(.unusableValue(name: "server.port", value: "1", reason: "a list where one value is expected"),
                                            .file(path: "application.yml", line: 3)))
    }

    @Test func plainScalarsReadAsSnakeYamlReadsThem() throws {
        let entries = try entries("a: yes\nb: Off\nc: 'yes'\nd: ~\ne:\nf: 0.85\ng: \"on\"\nh: []\n")
        #expect(entries.map(\.value) == ["true", "false", "yes", "", "", "0.85", "on", ""])
        let loaded = try ConfigFixture(["application.yml": "eureka.server.enable-self-preservation: no\n"]).load()
        #expect(loaded.config.enableSelfPreservation == false)
    }

    @Test func mergeKeysAndAnchors() throws {
        let entries = try entries("""
            defaults: &defaults
              port: 1
              address: 127.0.0.1
            server:
              <<: *defaults
              port: 2
            """)
        let server = entries.filter { $0.key.hasPrefix("server.") }
        #expect(server.map(\.key) == ["server.port", "server.address", "server.port"])
        let fixture = try ConfigFixture(["application.yml": "defaults: &d\n  port: 1\nserver:\n  <<: *d\n  address: ::1\n"])
        let loaded = try fixture.load()
        #expect(loaded.config.port == 1)
        #expect(loaded.config.address == "::1")
    }

    @Test func linesAreTheKeysLines() throws {
        let entries = try entries("# comment\nserver:\n\n  port: 1\neureka:\n  client:\n    serviceUrl:\n      defaultZone:\n        - http://a/\n        - http://b/\n")
        #expect(entries.map(\.source) == [.file(path: "a.yml", line: 4), .file(path: "a.yml", line: 9), .file(path: "a.yml", line: 10)])
    }

    @Test func multiDocumentYaml() throws {
        let documents = try YAMLDocuments.documents("a: 1\n---\nb: 2\n---\n---\nc: 3\n", path: "a.yml")
        #expect(documents.map { $0.entries.map(\.key) } == [["a"], ["b"], [], ["c"]])
    }

    @Test func duplicateKeysAreErrors() throws {
        let fixture = try ConfigFixture(["application.yml": "eureka:\n  server:\n    disable-delta: true\n  instance:\n    hostname: a\n  server:\n    x: 1\n"])
        let error = try #require(fixture.error())
        #expect(error == .located(.duplicateKey("eureka.server", firstLine: 2), .file(path: "application.yml", line: 6)))
        #expect(error.description == "application.yml:6: duplicate key 'eureka.server' (first at line 2)")
    }

    @Test func malformedYamlNamesTheLine() throws {
        let fixture = try ConfigFixture(["config/application.yml": "server:\n  port: 1\n  address: [unclosed\neureka: x\n"])
        let error = try #require(fixture.error())
        guard case .located(.malformedFile(let reason), .file(let path, let line)) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(path == "config/application.yml")
        #expect(line == 4)
        #expect(reason.hasPrefix("not valid YAML: "))
        let tabs = try ConfigFixture(["application.yml": "server:\n\tport: 1\n"])
        #expect(tabs.error()?.description.hasPrefix("application.yml:2: not valid YAML") == true)
    }

    @Test func aDocumentMustBeAMapping() throws {
        #expect(throws: ConfigError.located(.malformedFile(reason: "a document must be a mapping of keys to values"), .file(path: "a.yml", line: 3))) {
            try YAMLDocuments.documents("a: 1\n---\n- x\n", path: "a.yml")
        }
    }

    @Test func nonScalarKeysAreErrors() throws {
        #expect(throws: ConfigError.located(.malformedFile(reason: "a mapping key must be a plain value"), .file(path: "a.yml", line: 1))) {
            try YAMLDocuments.documents("? [a, b]\n: 1\n", path: "a.yml")
        }
    }

    @Test func propertiesSyntax() throws {
        let text = """
            # comment
            ! another
            server.port = 8800
            eureka.environment:prod
            spring.application.name   registry
            eureka.client.service-url.defaultZone=http://a:1/eureka/,\\
                http://b:2/eureka/
            eureka.dashboard.path=/dash\\u0062oard
            key\\ with\\ spaces=tab\\there
            #---
            spring.config.activate.on-profile=x
            server.port=1
            """
        let documents = try PropertiesFormat.documents(text, path: "a.properties")
        #expect(documents.count == 2)
        let first = documents[0].entries
        #expect(first.map(\.key) == ["server.port", "eureka.environment", "spring.application.name",
                                     "eureka.client.service-url.defaultZone", "eureka.dashboard.path", "key with spaces"])
        #expect(first.map(\.value) == ["8800", "prod", "registry", "http://a:1/eureka/,http://b:2/eureka/", "/dashboard", "tab\there"])
        #expect(first[3].source == .file(path: "a.properties", line: 6))
        #expect(documents[1].entries[1].source == .file(path: "a.properties", line: 12))
        #expect(throws: ConfigError.located(.malformedFile(reason: "malformed \\u escape '\\u12x'"), .file(path: "b.properties", line: 2))) {
            try PropertiesFormat.documents("a=1\nb=\\u12x\n", path: "b.properties")
        }
        let crlf = try PropertiesFormat.documents("a=1\r\nb=2\r\n", path: "c.properties")
        #expect(crlf[0].entries.map(\.value) == ["1", "2"])
    }

    @Test func aPropertiesFileWithProfiles() throws {
        let fixture = try ConfigFixture(["application.properties": "server.port=1\n#---\nspring.config.activate.on-profile=b\nserver.port=2\n"])
        #expect(try fixture.load().config.port == 1)
        #expect(try fixture.load(["--spring.profiles.active=b"]).config.port == 2)
    }

    /// Without a YAML reader (a host using the library alone) a YAML file is refused, not skipped.
    @Test func withoutAYamlReaderAYamlFileIsAnError() throws {
        let fixture = try ConfigFixture(["application.yml": "server.port: 1\n"])
        #expect(throws: ConfigError.unreadableFile(path: "application.yml", reason: "this build reads no YAML (use .properties)")) {
            try ConfigLoader.load(ConfigInputs(workingDirectory: fixture.directory))
        }
    }

    @Test func anUnreadableFileIsAnError() throws {
        let fixture = try ConfigFixture()
        try fixture.write("application.properties/x", "")   // a directory where the file should be: not a file, skipped
        #expect(fixture.error() == nil)
        #expect(fixture.error(["--spring.config.location=\(fixture.directory)/application.properties/x.yml"])
            == .located(.missingFile("\(fixture.directory)/application.properties/x.yml"), .flag("--spring.config.location")))
    }
}
