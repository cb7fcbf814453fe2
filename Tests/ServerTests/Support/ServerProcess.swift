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
    /// for its "listening" line.
    init(_ arguments: [String] = []) throws {
        process.executableURL = Self.binary
        process.arguments = ["--server.address=127.0.0.1", "--server.port=0"] + arguments
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
