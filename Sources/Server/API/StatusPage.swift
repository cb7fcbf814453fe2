import Glibc

/// `GET /status` (spec 2.15): general stats, replicas and this server's own instance.
final class StatusPage {
    struct Settings {
        /// `eureka.environment`.
        var environment = "test"
        /// `min-available-instances-for-peer-replication`: -1 means always healthy.
        var minAvailableReplicas = -1
    }

    private let settings: Settings
    private let identity: NodeIdentity
    private let startedAtMillis: Int64
    private let time: TimeSource
    var boundPort = 0
    /// The peers with their health from real results (spec 2.15, OUR choice), read at rendering.
    var replicas: () -> [PeerReport] = { [] }
    /// False while the start-up sync runs: the own instance shows STARTING, then UP.
    var openForTraffic: () -> Bool = { true }

    init(settings: Settings, identity: NodeIdentity, startedAtMillis: Int64, time: TimeSource) {
        self.settings = settings
        self.identity = identity
        self.startedAtMillis = startedAtMillis
        self.time = time
    }

    /// `HH:MM`, prefixed with `1 day ` / `N days ` from a day on.
    static func uptime(seconds: Int64) -> String {
        let days = seconds / 86_400
        let hours = (seconds % 86_400) / 3_600
        let minutes = (seconds % 3_600) / 60
        let clock = (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        switch days {
        case 0: return clock
        case 1: return "1 day " + clock
        default: return "\(days) days " + clock
        }
    }

    /// Spring's general info (also the dashboard's).
    var generalStats: [(String, String)] {
        let now = time.nowMillis()
        let totalMB = Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
        let usedMB = ProcessMemory.residentBytes() / 1_048_576
        return [
            ("server-uptime", Self.uptime(seconds: max(0, (now - startedAtMillis) / 1_000))),
            ("environment", settings.environment),
            ("num-of-cpus", "\(sysconf(Int32(_SC_NPROCESSORS_ONLN)))"),
            ("total-avail-memory", "\(totalMB)mb"),
            ("current-memory-usage", "\(usedMB)mb (\(totalMB > 0 ? usedMB * 100 / totalMB : 0)%)"),
        ]
    }

    /// A replica is available when its last exchange with this node got an HTTP response (spec 2.15).
    func applicationStats(_ replicas: [PeerReport]) -> [(String, String)] {
        let available = replicas.filter(\.health.isAvailable)
        let unavailable = replicas.filter { !$0.health.isAvailable }
        return [
            ("registered-replicas", replicas.map(\.url).joined(separator: ", ")),
            ("available-replicas", available.map { $0.url + "," }.joined()),
            ("unavailable-replicas", unavailable.map { $0.url + "," }.joined()),
        ]
    }

    private func isHealthy(_ replicas: [PeerReport]) -> Bool {
        settings.minAvailableReplicas < 0 || replicas.filter(\.health.isAvailable).count >= settings.minAvailableReplicas
    }

    /// The last rendering per format: the page reads /proc and formats a dozen values, and monitoring may
    /// poll it hard, so it is rebuilt at most once a second (uptime shows minutes anyway).
    private var rendered: [Bool: (atMillis: Int64, body: SharedBytes)] = [:]

    func render(json: Bool) -> Response {
        let now = time.nowMillis()
        if let last = rendered[json], now - last.atMillis < 1_000, now >= last.atMillis {
            return Response(status: 200, contentType: json ? .json : .xml, body: .shared(last.body))
        }
        let response = build(json: json)
        if case .bytes(let bytes) = response.body { rendered[json] = (now, SharedBytes(bytes)) }
        return response
    }

    /// This server's own instance: STARTING until it opened for traffic, then UP.
    func ownInstance() -> InstanceInfo {
        identity.instance(port: boundPort, status: openForTraffic() ? .up : .starting, now: startedAtMillis)
    }

    var environment: String { settings.environment }
    var uptimeSeconds: Int64 { max(0, (time.nowMillis() - startedAtMillis) / 1_000) }

    private func build(json: Bool) -> Response {
        let own = ownInstance()
        let replicas = replicas()
        let healthy = isHealthy(replicas)
        var out: [UInt8] = []
        if json {
            out.appendStatic(#"{"generalStats":"#)
            Self.appendJSONObject(generalStats, to: &out)
            out.appendStatic(#","applicationStats":"#)
            Self.appendJSONObject(applicationStats(replicas), to: &out)
            out.appendStatic(#","instanceInfo":"#)
            InstanceCodec.append(own, format: .json, representation: .full, to: &out)
            out.appendStatic(healthy ? #","healthy":true}"# : #","healthy":false}"#)
        } else {
            out.appendStatic("<com.netflix.eureka.util.StatusInfo><generalStats>")
            Self.appendXMLFields(generalStats, to: &out)
            out.appendStatic("</generalStats><applicationStats>")
            Self.appendXMLFields(applicationStats(replicas), to: &out)
            out.appendStatic("</applicationStats>")
            var instance = InstanceCodec.encode(own, format: .xml)  // <instance>...</instance>
            instance.replaceSubrange(0..<"<instance>".utf8.count, with: Array("<instanceInfo>".utf8))
            instance.replaceSubrange((instance.count - "</instance>".utf8.count)..., with: Array("</instanceInfo>".utf8))
            out += instance
            out.appendStatic(healthy ? "<isHeathly>true</isHeathly>" : "<isHeathly>false</isHeathly>")
            out.appendStatic("</com.netflix.eureka.util.StatusInfo>")
        }
        return Response(status: 200, contentType: json ? .json : .xml, body: .bytes(out))
    }

    private static func appendJSONObject(_ fields: [(String, String)], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendJSONString(key)
            out.append(UInt8(ascii: ":"))
            out.appendJSONString(value)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func appendXMLFields(_ fields: [(String, String)], to out: inout [UInt8]) {
        for (key, value) in fields {
            out += Array("<\(key)>".utf8)
            out.appendXMLText(value, inAttribute: false)
            out += Array("</\(key)>".utf8)
        }
    }
}

/// Resident memory of this process, from /proc/self/statm.
enum ProcessMemory {
    /// The second field of /proc/self/statm (resident pages) times the page size; 0 if unreadable.
    static func residentBytes() -> Int64 {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let fields = String(nulTerminated: line).split(separator: " ")
        guard fields.count >= 2, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
