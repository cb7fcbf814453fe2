import Foundation
@testable import Server

/// A registry on a manual clock whose events go to a NodeLog writing into `lines`.
final class LogHarness {
    let registryHarness: RegistryHarness
    let nodeLog: NodeLog
    var lines: [String] = []

    init(format: LogSettings.Format = .logfmt, root: LogLevel = .info, eureka: LogLevel? = nil,
         selfPreservation: Bool = false) {
        registryHarness = RegistryHarness { $0.enableSelfPreservation = selfPreservation }
        var settings = LogSettings()
        settings.format = format
        settings.rootLevel = root
        settings.eurekaLevel = eureka
        let box = LineBox()
        let log = EventLog(settings: settings, time: registryHarness.clock) { box.lines.append($0) }
        nodeLog = NodeLog(log: log, registry: registryHarness.registry, selfPreservationEnabled: selfPreservation)
        registryHarness.registry.onEvent = { [nodeLog] in nodeLog.event($0) }
        self.box = box
    }

    private let box: LineBox
    var written: [String] { box.lines }
    var registry: InstanceRegistry { registryHarness.registry }

    /// Each written line as a JSON object.
    func json() throws -> [[String: Any]] {
        try written.map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        }
    }
}

final class LineBox {
    var lines: [String] = []
}
