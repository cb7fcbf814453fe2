import Foundation
import Glibc

/// A spawned `eureka-server` process (the binary built beside the test bundle), stopped by its PID.
final class ServerProcess {
    let process = Process()
    private let output = Pipe()
    private(set) var port = 0

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("eureka-server")
    }

    /// Starts the server on 127.0.0.1 with an ephemeral port unless `arguments` set one, and waits
    /// for its "listening" line. `environment` (when given) is the whole environment of the process, `directory`
    /// its working directory (where it looks for application.yml); `defaults` go before `arguments`.
    init(_ arguments: [String] = [], environment: [String: String]? = nil, directory: String? = nil,
         defaults: [String] = ["--server.address=127.0.0.1", "--server.port=0"]) throws {
        process.executableURL = Self.binary
        process.arguments = defaults + arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let last = text.split(separator: " ").last, let port = Int(last.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw RawClient.ClientError.malformed(text)
        }
        self.port = port
    }

    /// Runs the binary to its exit (a run that stops at start-up, `--print-config`, `--help`), with the whole
    /// environment given; returns the exit status, stdout and stderr.
    static func runToExit(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws
        -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // stderr to a file, stdout to a pipe read to its end: neither can fill up and stall the child.
        let errorPath = NSTemporaryDirectory() + "eureka-stderr-" + UUID().uuidString
        FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errors.close()
        let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// Sends SIGTERM and waits; returns the exit status and how long the exit took.
    func terminate() -> (status: Int32, seconds: Double) {
        let start = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
