import Foundation
import Glibc
import Testing

/// The real binary: its start line (address, port, peers, where the settings came from) and its shutdown line
/// reach stderr.
@Suite struct LogProcessTests {
    /// The binary started with `arguments`, its stderr going to a scratch file, and the port from its first stdout line.
    private struct Started {
        let process: Process
        let errors: FileHandle
        let errorPath: String
        let port: Int?

        init(arguments: [String], environment: [String: String]? = nil) throws {
            errorPath = NSTemporaryDirectory() + "eureka-log-" + UUID().uuidString
            _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
            errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
            process = Process()
            process.executableURL = ServerProcess.binary
            process.arguments = arguments
            if let environment { process.environment = environment }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            var text = ""
            while !text.contains("\n") {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            port = text.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        /// Kills the process if it still runs and removes the scratch file.
        func cleanUp() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            try? FileManager.default.removeItem(atPath: errorPath)
        }
    }

    @Test func theStartAndShutdownLinesOnStderr() throws {
        let started = try Started(arguments: ["--server.address=127.0.0.1", "--server.port=0", "--logging.format=logfmt"],
                                  environment: ["EUREKA_SERVER_ENABLESELFPRESERVATION": "false"])
        defer { started.cleanUp() }
        let (process, errors, errorPath) = (started.process, started.errors, started.errorPath)
        let port = try #require(started.port)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try errors.close()
        let lines = String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
            .split(separator: "\n")
        let start = try #require(lines.first { $0.contains("event=started") })
        #expect(start.hasPrefix("ts="))
        #expect(start.contains(" level=info event=started address=127.0.0.1 port=\(port) peers=\"\" profiles=default files=\"\" from_files=0 from_environment=1 from_flags=3"))
        #expect(lines.contains { $0.contains("level=info event=shutdown port=\(port) instances=0") })
    }

    /// The lines of a loop turn are written together when the turn ends (EventLog.batchesWrites): a registration's
    /// line is on stderr while the node runs on, whole, and before the shutdown line.
    @Test func registrationLinesReachStderrWhileTheNodeRuns() throws {
        let started = try Started(arguments: ["--server.address=127.0.0.1", "--server.port=0"])
        defer { started.cleanUp() }
        let (process, errors, errorPath) = (started.process, started.errors, started.errorPath)
        let port = try #require(started.port)
        let client = try RawClient(port: port)
        for id in ["a-1", "a-2"] {
            let body = #"{"instance":{"instanceId":"\#(id)","hostName":"h","app":"LOGGED","ipAddr":"10.0.0.1","dataCenterInfo":{"name":"MyOwn"}}}"#
            client.send("POST /eureka/apps/LOGGED HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(try client.readReply().status == 204)
        }
        let read = { String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self) }
        let deadline = Date().addingTimeInterval(5)  // the next loop turn's end, at the latest
        while read().components(separatedBy: "event=registered").count < 3, Date() < deadline { usleep(10_000) }
        #expect(process.isRunning)
        let running = read().split(separator: "\n")
        #expect(running.filter { $0.contains(" level=info event=registered app=LOGGED id=a-") && $0.hasSuffix("replication=false") }.count == 2)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try errors.close()
        let lines = read().split(separator: "\n")
        let shutdown = try #require(lines.firstIndex { $0.contains("event=shutdown") })
        #expect(lines.lastIndex { $0.contains("event=registered") }.map { $0 < shutdown } == true)
    }
}
