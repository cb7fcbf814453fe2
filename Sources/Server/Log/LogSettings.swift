/// How the node logs (spec: issue 17, "Logs"): the line format and the level thresholds, from `logging.format`,
/// `logging.level.root` and `logging.level.eureka`.
public struct LogSettings: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable {
        /// `ts=... level=info event=registered app=ORDERS id=...`
        case logfmt
        /// One JSON object per line.
        case json
    }

    public var format = Format.logfmt
    /// The threshold of every logger without a level of its own (the node's start and shutdown lines).
    public var rootLevel = LogLevel.info
    /// The threshold of the `eureka` logger (registry, replication, sync events); nil follows `rootLevel`.
    public var eurekaLevel: LogLevel?

    public init() {}

    func threshold(_ logger: LogLevel.Logger) -> LogLevel {
        switch logger {
        case .root: rootLevel
        case .eureka: eurekaLevel ?? rootLevel
        }
    }
}

/// Spring Boot's level names; `fatal` counts as `error`, `off` silences.
public enum LogLevel: Int, Sendable, Comparable {
    case trace, debug, info, warn, error, off

    /// The two loggers lines belong to: `root` (start, shutdown) and `eureka` (everything the registry and the
    /// cluster report).
    enum Logger { case root, eureka }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public init?(name: String) {
        switch name.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warn
        case "error", "fatal": self = .error
        case "off": self = .off
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        case .off: "off"
        }
    }
}
