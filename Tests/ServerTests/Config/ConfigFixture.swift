import ConfigYAML
import Foundation
@testable import Server

/// A scratch working directory holding config files, removed when the fixture goes; `load` runs the loader on it
/// as the executable does (YAML through ConfigYAML), with the given flags and environment only.
final class ConfigFixture {
    let directory: String

    init(_ files: [String: String] = [:]) throws {
        directory = NSTemporaryDirectory() + "eureka-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func load(_ arguments: [String] = [], environment: [String: String] = [:]) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.load(ConfigInputs(arguments: arguments, environment: environment, workingDirectory: directory,
                                           yaml: YAMLDocuments.reader))
    }

    /// The error `load` throws, or nil.
    func error(_ arguments: [String] = [], environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try load(arguments, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}
