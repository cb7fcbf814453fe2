import Foundation
@testable import Server
import Testing

/// A peer URL that cannot be used stops start-up like any bad setting (spec 7.1, 9): exit code 2, the URL named.
@Suite struct PeerURLConfigTests {
    @Test func httpPeersPassValidation() throws {
        let config = try ConfigLoader.load(arguments: ["--eureka.client.serviceUrl.defaultZone=http://a:1/eureka/, http://u:p@b:2/eureka"])
        try EurekaNode.validate(config)
    }

    @Test func anHttpsPeerIsABadValueNamingIt() throws {
        let config = try ConfigLoader.load(arguments: ["--eureka.client.service-url.defaultZone=http://a:1/eureka/,https://b:2/eureka/"])
        #expect(throws: ConfigError.unusableValue(name: "eureka.client.service-url.defaultZone", value: "https://b:2/eureka/",
                                                  reason: "https peers are not supported (http only)")) {
            try EurekaNode.validate(config)
        }
    }

    @Test func aMalformedPeerIsABadValueNamingIt() throws {
        let config = try ConfigLoader.load(arguments: ["--eureka.client.service-url.defaultZone=http://a:99999/eureka/"])
        do {
            try EurekaNode.validate(config)
            Issue.record("validated")
        } catch {
            #expect(error.description.contains("'http://a:99999/eureka/'"))
            #expect(error.description.contains("eureka.client.service-url.defaultZone"))
        }
    }

    @Test func theServerExitsWithCode2AndTheMessage() throws {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["--server.address=127.0.0.1", "--server.port=0",
                             "--eureka.client.service-url.defaultZone=https://user:secret@eureka-2:8761/eureka/"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.contains("'https://user:***@eureka-2:8761/eureka/'"))
        #expect(message.contains("https peers are not supported"))
        #expect(!message.contains("secret"))
    }
}
