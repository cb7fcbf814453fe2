import Glibc

/// `GET /status` (spec 2.15): general stats, replicas and this server's own instance.
final class StatusPage {
    private let startedAtSeconds: Int64
    private let environment: String

    init(environment: String, startedAtSeconds: Int64) {
        self.environment = environment
        self.startedAtSeconds = startedAtSeconds
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

    func render(json: Bool) -> Response {
        let stats: [(String, String)] = [
            ("server-uptime", Self.uptime(seconds: max(0, Int64(time(nil)) - startedAtSeconds))),
            ("environment", environment),
            ("num-of-cpus", "\(sysconf(Int32(_SC_NPROCESSORS_ONLN)))"),
        ]
        if json {
            let fields = stats.map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",")
            let body = #"{"generalStats":{"# + fields + #"},"applicationStats":{},"healthy":true}"#
            return Response(status: 200, contentType: .json, body: .bytes(Array(body.utf8)))
        }
        let fields = stats.map { "<\($0.0)>\($0.1)</\($0.0)>" }.joined()
        let body = "<com.netflix.eureka.util.StatusInfo><generalStats>" + fields
            + "</generalStats><applicationStats/><isHeathly>true</isHeathly></com.netflix.eureka.util.StatusInfo>"
        return Response(status: 200, contentType: .xml, body: .bytes(Array(body.utf8)))
    }
}
